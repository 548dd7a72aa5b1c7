import type { Command } from 'commander';
import { Option } from 'commander';
import { formatBytes, inspectModel } from '@plugboard/core';
import { DEPLOYMENTS, UPDATE_FREQUENCIES, adviseMethod, readJsonlExamples } from '@plugboard/train';
import type { Advice, AdviceRequest } from '@plugboard/train';
import { bytesFlag, positiveIntFlag } from '../flags/number-flags.ts';
import { modelArg } from '../model-arg.ts';

export interface AdviceFlags {
  skills: number;
  memory?: number;
  updates: (typeof UPDATE_FREQUENCIES)[number];
  deployment: (typeof DEPLOYMENTS)[number];
}

/** The flags advise and `train --method auto` share: everything but the examples and the base. */
export function addAdviceOptions(command: Command): Command {
  return command
    .option('--skills <n>', 'advise: skills sharing the base (resident together when hot-swapped)', positiveIntFlag, 1)
    .option('--memory <size>', 'advise: memory for the served base and all skills\' adapters (e.g. 2GiB)', bytesFlag)
    .addOption(new Option('--updates <how often>', 'advise: how often the skill is retrained').choices(UPDATE_FREQUENCIES).default('rare'))
    .addOption(new Option('--deployment <where>', 'advise: where the skills run (vllm/lorax serve LoRA only)').choices(DEPLOYMENTS).default('hot-swap'));
}

/** The advice for a base folder and a number of examples, under the shared flags. */
export function adviceFor(baseDir: string, examples: number, flags: AdviceFlags): Advice {
  const info = inspectModel(baseDir);
  const request: AdviceRequest = { examples, skills: flags.skills, memoryBudgetBytes: flags.memory, updates: flags.updates, deployment: flags.deployment };
  return adviseMethod(info.config, info.memoryBytes, request);
}

export function formatAdvice(advice: Advice): string {
  return [
    `method       ${advice.methodName}${advice.method.kind === 'lisa' ? ` (${advice.method.adapterKind}, top ${advice.method.topK} layers)` : ''}`,
    `base dtype   ${advice.baseDtype}`,
    `adapter      ${formatBytes(advice.adapterBytes)} a skill; served ${formatBytes(advice.servingBytes)} with the base`,
    'why:',
    ...advice.reasons.map((r) => `  - ${r.says} [${r.grounds}]`),
    `train with   plugboard train ${advice.trainFlags.join(' ')}`,
  ].join('\n');
}

export function registerAdvise(program: Command): void {
  addAdviceOptions(
    program
      .command('advise')
      .description('recommend a training method (LoRA, Adapter, LISA), its size and the base precision for a skill, with the reasons')
      .requiredOption('--base <dir|id>', 'base model folder or hub id')
      .option('--data <file>', 'the training JSONL (its examples are counted)')
      .option('--examples <n>', 'the number of training examples (instead of --data)', positiveIntFlag)
      .option('--json', 'print JSON'),
  ).action(async (flags: AdviceFlags & { base: string; data?: string; examples?: number; json?: boolean }) => {
    if ((flags.data === undefined) === (flags.examples === undefined)) program.error('advise needs exactly one of --data FILE and --examples N');
    const examples = flags.examples ?? readJsonlExamples(flags.data as string).length;
    const advice = adviceFor(await modelArg(flags.base), examples, flags);
    process.stdout.write(flags.json ? `${JSON.stringify({ examples, ...advice }, null, 2)}\n` : `${formatAdvice(advice)}\n`);
  });
}
