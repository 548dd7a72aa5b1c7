import type { Command } from 'commander';
import { Option } from 'commander';
import { SUPPORTED_ARCHITECTURES } from '@plugboard/core';
import { QWEN25_05B_SHAPES, TINY_SHAPES, ensureFixtureModel } from '@plugboard/core/testing';

const PRESETS = { tiny: TINY_SHAPES, 'qwen2.5-0.5b': QWEN25_05B_SHAPES } as const;

interface FixtureFlags {
  out: string;
  preset: keyof typeof PRESETS;
  arch: (typeof SUPPORTED_ARCHITECTURES)[number];
  dtype: 'F32' | 'F16' | 'BF16';
  seed: number;
}

export function registerFixture(program: Command): void {
  program
    .command('fixture')
    .description('write a Hugging Face model folder with seeded random weights (no download needed)')
    .requiredOption('--out <dir>', 'folder to write')
    .addOption(new Option('--preset <name>', 'shapes').choices(Object.keys(PRESETS)).default('tiny'))
    .addOption(new Option('--arch <name>', 'architecture').choices(SUPPORTED_ARCHITECTURES).default('qwen2'))
    .addOption(new Option('--dtype <dtype>', 'stored dtype').choices(['F32', 'F16', 'BF16']).default('F32'))
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 0)
    .action((flags: FixtureFlags) => {
      const fixture = ensureFixtureModel(flags.out, {
        ...PRESETS[flags.preset],
        architecture: flags.arch,
        dtype: flags.dtype,
        seed: flags.seed,
      });
      process.stdout.write(`${fixture.dir}\n`);
    });
}
