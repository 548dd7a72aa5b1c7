import type { Command } from 'commander';
import { Option } from 'commander';
import { writeInitialModel } from '@plugboard/train';
import { nonNegativeIntFlag, positiveIntFlag } from '../flags/number-flags.ts';

interface InitModelFlags {
  out: string;
  tokenizer: string;
  arch: 'llama' | 'qwen2';
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediate: number;
  context: number;
  seed: number;
}

export function registerInitModel(program: Command): void {
  program
    .command('init-model')
    .description('write a freshly initialized Llama-family model folder sized to a tokenizer, to pretrain with `train --method full`')
    .requiredOption('--out <dir>', 'model folder to write')
    .requiredOption('--tokenizer <dir>', 'folder with tokenizer.json (from `plugboard tokenizer train`)')
    .addOption(new Option('--arch <name>', 'architecture').choices(['llama', 'qwen2']).default('llama'))
    .option('--hidden <n>', 'hidden size', positiveIntFlag, 256)
    .option('--layers <n>', 'decoder layers', positiveIntFlag, 6)
    .option('--heads <n>', 'attention heads', positiveIntFlag, 8)
    .option('--kv-heads <n>', 'key/value heads (GQA)', positiveIntFlag, 4)
    .option('--intermediate <n>', 'MLP width', positiveIntFlag, 688)
    .option('--context <n>', 'max positions', positiveIntFlag, 1024)
    .option('--seed <n>', 'random seed', nonNegativeIntFlag, 0)
    .action((flags: InitModelFlags) => {
      const config = writeInitialModel(flags.out, flags.tokenizer, {
        architecture: flags.arch,
        hiddenSize: flags.hidden,
        numLayers: flags.layers,
        numHeads: flags.heads,
        numKvHeads: flags.kvHeads,
        intermediateSize: flags.intermediate,
        maxPositionEmbeddings: flags.context,
        seed: flags.seed,
      });
      process.stdout.write(`${JSON.stringify({ out: flags.out, vocabSize: config.vocabSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers }, null, 2)}\n`);
    });
}
