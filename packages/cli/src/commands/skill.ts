import type { Command } from 'commander';
import { inspectSkill, validateSkill } from '@plugboard/skills';

export function registerSkill(program: Command): void {
  const skill = program.command('skill').description('skill packages');
  skill
    .command('validate')
    .description('check a skill package (folder or installed npm package) against a base model; exits 1 when invalid')
    .argument('<dir>', 'skill folder or package name')
    .requiredOption('--model <dir>', 'base model folder')
    .action((dir: string, flags: { model: string }) => {
      const report = validateSkill(dir, { modelDir: flags.model });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (!report.ok) process.exitCode = 1;
    });
  skill
    .command('inspect')
    .description('kind, layers, rank, params, bytes and base compatibility of a skill package')
    .argument('<dir>', 'skill folder or package name')
    .option('--model <dir>', 'base model folder to check compatibility against')
    .action((dir: string, flags: { model?: string }) => {
      process.stdout.write(`${JSON.stringify(inspectSkill(dir, { modelDir: flags.model }), null, 2)}\n`);
    });
}
