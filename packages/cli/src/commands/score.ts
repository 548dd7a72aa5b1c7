import type { Command } from 'commander';
import type { MODEL_DTYPES} from '@plugboard/core';
import { loadModel } from '@plugboard/core';
import { dtypeOption } from '../flags/dtype-option.ts';
import { nonNegativeIntFlag, positiveIntFlag } from '../flags/number-flags.ts';
import { modelArg } from '../model-arg.ts';
import { loadProgressBar } from '../load-progress-bar.ts';

interface ScoreFlags {
  model: string;
  text: string;
  dtype: (typeof MODEL_DTYPES)[number];
  topK: number;
  threads?: number;
  json?: boolean;
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('log-probability of every token of a text under the model (and the top-k alternatives)')
    .requiredOption('--model <dir>', 'model folder, .gguf file or Hugging Face id')
    .requiredOption('--text <text>', 'the text to score (encoded with the special tokens the tokenizer adds, e.g. BOS)')
    .addOption(dtypeOption())
    .option('--top-k <k>', 'alternatives per position', nonNegativeIntFlag, 0)
    .option('--threads <n>', 'intra-op threads', positiveIntFlag)
    .option('--json', 'print one JSON object instead of a table')
    .action(async (flags: ScoreFlags) => {
      const model = await loadModel(await modelArg(flags.model), { dtype: flags.dtype, intraOpNumThreads: flags.threads, logits: 'all', onProgress: loadProgressBar() });
      try {
        const result = await model.logprobs(flags.text, { topK: flags.topK });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        for (const s of result.scored) {
          const alternatives = s.top.map((t) => `${JSON.stringify(t.text)} ${t.logprob.toFixed(3)}`).join(', ');
          process.stdout.write(`${String(s.position).padStart(5)}  ${s.logprob.toFixed(4).padStart(9)}  ${JSON.stringify(s.text)}${alternatives ? `   [${alternatives}]` : ''}\n`);
        }
        process.stdout.write(`total ${result.total.toFixed(4)} over ${result.scored.length} tokens, perplexity ${result.perplexity.toFixed(3)}\n`);
      } finally {
        await model.dispose();
      }
    });
}
