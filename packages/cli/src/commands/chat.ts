import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { MODEL_DTYPES } from '@plugboard/core';
import { PlugboardError, isPlugboardError, loadModel } from '@plugboard/core';
import { LinearRouter } from '@plugboard/router';
import { SkillRegistry } from '@plugboard/skills';
import { ChatSession } from '../chat/chat-session.ts';
import { modelArg } from '../model-arg.ts';
import { loadModelForSkills } from '@plugboard/router';
import { dtypeOption, prefillDtypeOption } from '../flags/dtype-option.ts';
import { nonNegativeIntFlag, numberFlag, positiveIntFlag } from '../flags/number-flags.ts';
import { loadProgressBar } from '../load-progress-bar.ts';

interface ChatFlags {
  model: string;
  skills?: string;
  skill?: string;
  dtype: (typeof MODEL_DTYPES)[number];
  prefillDtype?: (typeof MODEL_DTYPES)[number];
  maxTokens: number;
  temperature: number;
  seed?: number;
  threads?: number;
}

export function registerChat(program: Command): void {
  program
    .command('chat')
    .description('interactive chat on stdin (a TTY or piped lines): streaming replies, history kept in the KV cache, a skill per turn; /skill NAME|auto|base, /reset, /stats, /quit')
    .requiredOption('--model <dir>', 'model folder, .gguf file or Hugging Face id')
    .option('--skills <dir>', 'a folder of skill packages to route between')
    .option('--skill <name>', 'a skill for every turn, or "auto" (route each turn; the default with --skills)')
    .addOption(dtypeOption())
    .addOption(prefillDtypeOption())
    .option('--max-tokens <n>', 'most new tokens per reply', positiveIntFlag, 256)
    .option('--temperature <t>', '0 = greedy', numberFlag, 0.7)
    .option('--seed <n>', 'random seed', nonNegativeIntFlag)
    .option('--threads <n>', 'intra-op threads', positiveIntFlag)
    .action(async (flags: ChatFlags) => {
      const loadOptions = { dtype: flags.dtype, prefillDtype: flags.prefillDtype, intraOpNumThreads: flags.threads, onProgress: loadProgressBar() };
      let session: ChatSession;
      let dispose: () => Promise<void>;
      const write = (text: string) => void process.stdout.write(text);
      const generation = { maxTokens: flags.maxTokens, temperature: flags.temperature, seed: flags.seed };
      const modelDir = await modelArg(flags.model);
      if (flags.skills) {
        const registry = new SkillRegistry();
        registry.addFolder(flags.skills);
        const skills = await loadModelForSkills(modelDir, registry, loadOptions);
        const router = new LinearRouter();
        await router.fit(registry.routes());
        session = new ChatSession(skills.model, { skills: { ...skills, router }, skill: flags.skill ?? 'auto', generation, write });
        dispose = () => skills.model.dispose();
      } else {
        if (flags.skill) throw new PlugboardError('INVALID_ARGUMENT', `--skill ${flags.skill} needs --skills DIR (the folder of skill packages to choose from)`);
        const model = await loadModel(modelDir, loadOptions);
        session = new ChatSession(model, { generation, write });
        dispose = () => model.dispose();
      }
      const lines = createInterface({ input: process.stdin, terminal: process.stdin.isTTY === true, prompt: '> ' });
      const prompt = () => process.stdin.isTTY && lines.prompt();
      prompt();
      try {
        for await (const line of lines) {
          try {
            if (!(await session.handle(line))) break;
          } catch (error) {
            // bad input ends the turn, not the chat
            if (!isPlugboardError(error)) throw error;
            write(`[error: ${error.message} (${error.code})]\n`);
          }
          prompt();
        }
      } finally {
        lines.close();
        await dispose();
      }
    });
}
