import type { Command } from 'commander';
import { Option } from 'commander';
import { CHAT_TEMPLATE_NAMES, PRE_TOKENIZER_NAMES, runTokenizerTrain } from '@plugboard/train';
import type { PreTokenizerName } from '@plugboard/train';
import { positiveIntFlag } from '../flags/number-flags.ts';
import { ProgressBar } from '../progress-bar.ts';

export function registerTokenizer(program: Command): void {
  const tokenizer = program.command('tokenizer').description('tokenizers');
  tokenizer
    .command('train')
    .description('train a byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json with a ChatML template)')
    .requiredOption('--input <files...>', 'text files')
    .requiredOption('--vocab <n>', 'vocabulary size', positiveIntFlag)
    .requiredOption('--out <dir>', 'output folder')
    .option('--min-frequency <n>', 'smallest pair count to merge', positiveIntFlag)
    .addOption(new Option('--chat-template <name>', 'tools as JSON schemas (Qwen2.5) or one-line signatures (a tenth of the tokens)').choices(CHAT_TEMPLATE_NAMES).default('chatml'))
    .addOption(new Option('--pre-tokenizer <name>', "how text is cut before BPE: Qwen2's split; words (a word is the same tokens wherever it stands, spaces are tokens); trailing-space (the same, but each piece takes the space after it: what small models that copy names into JSON want)").choices(PRE_TOKENIZER_NAMES).default('qwen2'))
    .action((flags: { input: string[]; vocab: number; out: string; minFrequency?: number; chatTemplate: (typeof CHAT_TEMPLATE_NAMES)[number]; preTokenizer: PreTokenizerName }) => {
      let bar: ProgressBar | undefined;
      const report = runTokenizerTrain({
        input: flags.input,
        vocab: flags.vocab,
        out: flags.out,
        minFrequency: flags.minFrequency,
        chatTemplate: flags.chatTemplate,
        preTokenizer: flags.preTokenizer,
        onProgress: ({ merges, total }) => {
          bar ??= new ProgressBar('merges', total);
          bar.update(merges);
        },
      });
      bar?.done();
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}
