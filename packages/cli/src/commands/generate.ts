import type { Command } from 'commander';
import { Option } from 'commander';
import { MODEL_DTYPES, loadModel } from '@plugboard/core';
import type { Prompt } from '@plugboard/core';
import { intFlag, nonNegativeIntFlag, numberFlag, positiveIntFlag } from '../flags/number-flags.ts';

interface GenerateFlags {
  model: string;
  prompt: string;
  chat?: boolean;
  system?: string;
  dtype: (typeof MODEL_DTYPES)[number];
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  repetitionPenalty: number;
  seed?: number;
  stop: string[];
  threads?: number;
  prepack: boolean;
}

const collect = (v: string, all: string[]) => [...all, v];

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate text from a prompt, streaming tokens to stdout')
    .requiredOption('--model <dir>', 'Hugging Face model folder')
    .requiredOption('--prompt <text>', 'the prompt')
    .option('--chat', 'wrap the prompt as a user message with the chat template')
    .option('--system <text>', 'system message (implies --chat)')
    .addOption(new Option('--dtype <dtype>', 'compute precision').choices(MODEL_DTYPES).default('fp32'))
    .option('--max-tokens <n>', 'maximum new tokens', positiveIntFlag, 128)
    .option('--temperature <t>', '0 = greedy', numberFlag, 0.7)
    .option('--top-k <k>', '0 = off', nonNegativeIntFlag, 0)
    .option('--top-p <p>', '1 = off', numberFlag, 1)
    .option('--min-p <p>', '0 = off', numberFlag, 0)
    .option('--repetition-penalty <r>', '1 = off', numberFlag, 1)
    .option('--seed <n>', 'random seed', intFlag)
    .option('--stop <text>', 'stop string (repeatable)', collect, [])
    .option('--threads <n>', 'intra-op threads', positiveIntFlag)
    .option('--no-prepack', 'read fp32 weights in place from the cached graph: loads several times faster, fp32 matmuls a little slower')
    .action(async (flags: GenerateFlags) => {
      const model = await loadModel(flags.model, { dtype: flags.dtype, intraOpNumThreads: flags.threads, prepackWeights: flags.prepack });
      const prompt: Prompt =
        flags.chat || flags.system
          ? { messages: [...(flags.system ? [{ role: 'system' as const, content: flags.system }] : []), { role: 'user' as const, content: flags.prompt }] }
          : flags.prompt;
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const stream = model.generate(prompt, {
        maxTokens: flags.maxTokens,
        temperature: flags.temperature,
        topK: flags.topK,
        topP: flags.topP,
        minP: flags.minP,
        repetitionPenalty: flags.repetitionPenalty,
        seed: flags.seed,
        stopStrings: flags.stop,
        signal: controller.signal,
      });
      for await (const token of stream) process.stdout.write(token.text);
      const [result] = await stream.result;
      const t = result!.timings;
      process.stdout.write('\n');
      process.stderr.write(
        `[${result!.finishReason}] ${t.promptTokens} prompt tokens at ${t.prefillTokensPerSecond.toFixed(1)} tok/s, ${t.generatedTokens} generated at ${t.decodeTokensPerSecond.toFixed(1)} tok/s, first token ${t.ttftMs.toFixed(0)} ms\n`,
      );
      await model.dispose();
    });
}
