import type { Command } from 'commander';
import { initSkill, inspectSkill, installSkill, packSkill, skillManifestJsonSchemaText, validateSkill } from '@plugboard/skills';
import { modelArg, optionalModelArg } from '../model-arg.ts';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export function registerSkill(program: Command): void {
  const skill = program.command('skill').description('skill packages');
  skill
    .command('validate')
    .description('check a skill package (folder or installed npm package) against a base model; exits 1 when invalid')
    .argument('<dir>', 'skill folder or package name')
    .requiredOption('--model <dir|id>', 'base model folder or hub id org/name[@revision]')
    .action(async (dir: string, flags: { model: string }) => {
      const report = validateSkill(dir, { modelDir: await modelArg(flags.model) });
      print(report);
      if (!report.ok) process.exitCode = 1;
    });
  skill
    .command('inspect')
    .description('kind, layers, rank, params, bytes and base compatibility of a skill package')
    .argument('<dir>', 'skill folder or package name')
    .option('--model <dir|id>', 'base model folder or hub id to check compatibility against')
    .action(async (dir: string, flags: { model?: string }) => {
      print(inspectSkill(dir, { modelDir: await optionalModelArg(flags.model) }));
    });
  skill
    .command('init')
    .description('scaffold a new skill: skill.json (manifest template), README.md and example data to train on')
    .argument('<name>', 'the skill name (npm-style, e.g. sql-helper or @acme/sql-helper)')
    .option('--dir <dir>', 'folder to create (default ./NAME)')
    .action((name: string, flags: { dir?: string }) => {
      print(initSkill(name, { dir: flags.dir }));
    });
  skill
    .command('pack')
    .description('validate a skill package, then write it as an npm-compatible tarball (NAME-VERSION.tgz)')
    .argument('<dir>', 'skill folder')
    .option('--out <dir>', 'folder for the tarball (default: the working directory)')
    .option('--model <dir|id>', 'also validate against this base model (folder or hub id)')
    .action(async (dir: string, flags: { out?: string; model?: string }) => {
      print(await packSkill(dir, { outDir: flags.out, modelDir: await optionalModelArg(flags.model) }));
    });
  skill
    .command('install')
    .description('install a skill from a folder, a .tgz or an installed npm package into DIR/NAME; never runs package code')
    .argument('<spec>', 'skill folder, tarball, or npm package name')
    .requiredOption('--into <dir>', 'folder to install into')
    .option('--model <dir|id>', 'also validate against this base model (folder or hub id)')
    .action(async (spec: string, flags: { into: string; model?: string }) => {
      print(await installSkill(spec, { into: flags.into, modelDir: await optionalModelArg(flags.model) }));
    });
  skill
    .command('schema')
    .description('print the JSON Schema of skill.json (the committed packages/skills/skill.schema.json)')
    .action(() => {
      process.stdout.write(skillManifestJsonSchemaText());
    });
}
