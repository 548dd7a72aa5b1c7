import type { Command } from 'commander';
import { loadModel } from '@plugboard/core';
import type { MODEL_DTYPES } from '@plugboard/core';
import type { Prompt } from '@plugboard/core';
import { SkillRegistry } from '@plugboard/skills';
import { loadModelForSkills } from '@plugboard/router';
import { modelArg } from '../model-arg.ts';
import { dtypeOption, prefillDtypeOption } from '../flags/dtype-option.ts';
import { intFlag, nonNegativeIntFlag, numberFlag, positiveIntFlag } from '../flags/number-flags.ts';
import { loadProgressBar } from '../load-progress-bar.ts';

interface GenerateFlags {
  model: string;
  prompt: string;
  chat?: boolean;
  system?: string;
  dtype: (typeof MODEL_DTYPES)[number];
  prefillDtype?: (typeof MODEL_DTYPES)[number];
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
  skill?: string;
}

const collect = (v: string, all: string[]) => [...all, v];

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate text from a prompt, streaming tokens to stdout')
    .requiredOption('--model <dir|id>', 'Hugging Face model folder or hub id org/name[@revision]')
    .requiredOption('--prompt <text>', 'the prompt')
    .option('--chat', 'wrap the prompt as a user message with the chat template')
    .option('--system <text>', 'system message (implies --chat)')
    .addOption(dtypeOption())
    .addOption(prefillDtypeOption())
    .option('--max-tokens <n>', 'maximum new tokens', positiveIntFlag, 128)
    .option('--temperature <t>', '0 = greedy', numberFlag, 0.7)
    .option('--top-k <k>', '0 = off', nonNegativeIntFlag, 0)
    .option('--top-p <p>', '1 = off', numberFlag, 1)
    .option('--min-p <p>', '0 = off', numberFlag, 0)
    .option('--repetition-penalty <r>', '1 = off', numberFlag, 1)
    .option('--seed <n>', 'random seed', intFlag)
    .option('--stop <text>', 'stop string (repeatable)', collect, [])
    .option('--threads <n>', 'intra-op threads', positiveIntFlag)
    .option('--skill <dir>', 'a skill package folder: its adapter is loaded into a bank slot and generates')
    .option('--no-prepack', 'read fp32 weights in place from the cached graph: loads several times faster, fp32 matmuls a little slower')
    .action(async (flags: GenerateFlags) => {
      const loadOptions = { dtype: flags.dtype, prefillDtype: flags.prefillDtype, intraOpNumThreads: flags.threads, prepackWeights: flags.prepack, onProgress: loadProgressBar() };
      const registry = new SkillRegistry();
      const skill = flags.skill === undefined ? null : registry.add(flags.skill);
      const modelDir = await modelArg(flags.model);
      const skilled = skill === null ? null : await loadModelForSkills(modelDir, registry, loadOptions);
      const model = skilled?.model ?? (await loadModel(modelDir, loadOptions));
      const lease = skilled?.adapters.acquire(skill, 'generate');
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
        adapterSlot: lease?.slot,
      });
      for await (const token of stream) process.stdout.write(token.text);
      const [result] = await stream.result;
      const t = result!.timings;
      process.stdout.write('\n');
      process.stderr.write(
        `[${skill ? `skill ${skill.manifest.name}, slot ${lease?.slot} · ` : ''}${result!.finishReason}] ${t.promptTokens} prompt tokens at ${t.prefillTokensPerSecond.toFixed(1)} tok/s, ${t.generatedTokens} generated at ${t.decodeTokensPerSecond.toFixed(1)} tok/s, first token ${t.ttftMs.toFixed(0)} ms\n`,
      );
      lease?.release();
      await model.dispose();
    });
}
