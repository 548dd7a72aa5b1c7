import type { Command } from 'commander';
import { inspectSkill, validateSkill } from '@plugboard/skills';
import { modelArg } from '../model-arg.ts';

export function registerSkill(program: Command): void {
  const skill = program.command('skill').description('skill packages');
  skill
    .command('validate')
    .description('check a skill package (folder or installed npm package) against a base model; exits 1 when invalid')
    .argument('<dir>', 'skill folder or package name')
    .requiredOption('--model <dir|id>', 'base model folder or hub id org/name[@revision]')
    .action(async (dir: string, flags: { model: string }) => {
      const report = validateSkill(dir, { modelDir: await modelArg(flags.model) });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (!report.ok) process.exitCode = 1;
    });
  skill
    .command('inspect')
    .description('kind, layers, rank, params, bytes and base compatibility of a skill package')
    .argument('<dir>', 'skill folder or package name')
    .option('--model <dir|id>', 'base model folder or hub id to check compatibility against')
    .action(async (dir: string, flags: { model?: string }) => {
      const modelDir = flags.model === undefined ? undefined : await modelArg(flags.model);
      process.stdout.write(`${JSON.stringify(inspectSkill(dir, { modelDir }), null, 2)}\n`);
    });
}
