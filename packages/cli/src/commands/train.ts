import type { Command } from 'commander';
import { Option } from 'commander';
import { AdamWOptionsSchema, defaultCheckpointDir, readJsonlExamples, runTrain } from '@plugboard/train';
import { locateSkill, readSkillManifest, readTextExamples } from '@plugboard/skills';
import { packageInputFromManifest } from '@plugboard/train';
import type { SkillPackageInput } from '@plugboard/train';
import type { MethodOptionsInput } from '@plugboard/train';
import { intListFlag, nonNegativeIntFlag, numberFlag, positiveIntFlag } from '../flags/number-flags.ts';
import { ProgressBar } from '../progress-bar.ts';
import { modelArg } from '../model-arg.ts';
import { addAdviceOptions, adviceFor, formatAdvice } from './advise.ts';
import type { AdviceFlags } from './advise.ts';

// the flags' defaults are the library's, so `train --help` and the API cannot disagree
const ADAMW_DEFAULTS = AdamWOptionsSchema.parse({});

const METHODS = ['full', 'lora', 'adapter', 'lisa', 'lisa-sampling', 'auto'] as const;

interface TrainFlags extends AdviceFlags {
  base: string;
  data: string;
  method: (typeof METHODS)[number];
  out: string;
  steps: number;
  batch: number;
  sequence: number;
  lr: number;
  beta2: number;
  weightDecay: number;
  seed: number;
  rank: number;
  alpha: number;
  rslora?: boolean;
  modules: string;
  layers?: number[];
  topK: number | 'auto';
  adapterKind: 'lora' | 'bottleneck';
  probe: 'gradient' | 'scan' | 'progressive';
  baseDtype: 'fp32' | 'int8' | 'int4';
  width: number;
  activation: 'gelu' | 'relu' | 'silu';
  gamma: number;
  period: number;
  evalEvery: number;
  patience?: number;
  restoreBest: boolean;
  checkpointEvery: number;
  resume?: boolean;
  checkpointDir?: string;
  name?: string;
  skillVersion?: string;
  description?: string;
  routeExamples?: string;
  outOfScope?: string;
  keywords?: string;
  tools?: string;
  systemPrompt?: string;
  raw?: boolean;
  from?: string;
}

const list = (value: string) => value.split(',').map((item) => item.trim()).filter((item) => item !== '');

function methodOf(flags: TrainFlags & { method: Exclude<TrainFlags['method'], 'auto'> }): MethodOptionsInput {
  const lora = { rank: flags.rank, alpha: flags.alpha, useRslora: flags.rslora ?? false, modules: flags.modules.split(',') as ('q' | 'k' | 'v' | 'o')[] };
  switch (flags.method) {
    case 'full':
      return { kind: 'full' };
    case 'lora':
      return { kind: 'lora', ...lora, layers: flags.layers };
    case 'lisa':
      return { kind: 'lisa', ...lora, topK: flags.topK, adapterKind: flags.adapterKind, probe: flags.probe, width: flags.width, activation: flags.activation };
    case 'adapter':
      return { kind: 'adapter', width: flags.width, activation: flags.activation, layers: flags.layers };
    case 'lisa-sampling':
      return { kind: 'lisa-sampling', gamma: flags.gamma, period: flags.period };
  }
}

/** The manifest fields: the --from manifest's, overridden by the flags given. */
function skillInput(flags: TrainFlags): SkillPackageInput {
  const from = flags.from === undefined ? {} : packageInputFromManifest(readSkillManifest(locateSkill(flags.from).root).manifest);
  const given: SkillPackageInput = {
    name: flags.name,
    version: flags.skillVersion,
    description: flags.description,
    routeExamples: flags.routeExamples === undefined ? undefined : readTextExamples(flags.routeExamples, 'routing.examples'),
    outOfScope: flags.outOfScope === undefined ? undefined : readTextExamples(flags.outOfScope, 'routing.outOfScope'),
    keywords: flags.keywords === undefined ? undefined : list(flags.keywords),
    tools: flags.tools === undefined ? undefined : list(flags.tools),
    systemPrompt: flags.systemPrompt,
  };
  return { ...from, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train a skill (LoRA, Adapter, LISA) or a whole model from a JSONL file; Ctrl-C writes a checkpoint that --resume continues')
    .requiredOption('--base <dir|id>', 'base model folder or hub id org/name[@revision]')
    .requiredOption('--data <file>', 'JSONL: {"prompt","completion"} or {"messages":[...]} per line')
    .addOption(new Option('--method <name>', 'what to train; auto: what `plugboard advise` recommends for the data and the --skills/--memory/--updates/--deployment flags').choices(METHODS).default('lora'))
    .requiredOption('--out <dir>', 'output folder: a skill package (lora, lisa, adapter) or a model folder (full, lisa-sampling)')
    .option('--steps <n>', 'optimizer steps', positiveIntFlag, 100)
    .option('--batch <n>', 'rows per step', positiveIntFlag, 8)
    .option('--sequence <n>', 'tokens per row', positiveIntFlag, 128)
    .option('--lr <x>', 'peak learning rate', numberFlag, 1e-3)
    .option('--beta2 <x>', 'AdamW β2 (the second-moment average)', numberFlag, ADAMW_DEFAULTS.beta2)
    .option('--weight-decay <x>', 'AdamW decoupled weight decay (matrices only)', numberFlag, ADAMW_DEFAULTS.weightDecay)
    .option('--seed <n>', 'random seed', nonNegativeIntFlag, 0)
    .option('--rank <n>', 'LoRA rank', positiveIntFlag, 8)
    .option('--alpha <x>', 'LoRA alpha', numberFlag, 16)
    .option('--rslora', 'scale by alpha/sqrt(rank)')
    .option('--modules <list>', 'LoRA target modules', 'q,k,v,o')
    .option('--layers <list>', 'only these layers (lora, adapter)', intListFlag)
    .option('--top-k <n|auto>', 'lisa: layers the probe keeps; auto: the smallest k within ε (0.05) of k+1', (v: string) => (v === 'auto' ? 'auto' : positiveIntFlag(v)), 2)
    .addOption(new Option('--adapter-kind <kind>', 'lisa: the adapter in the chosen layers').choices(['lora', 'bottleneck']).default('lora'))
    .addOption(new Option('--probe <name>', 'lisa: how layers are ranked (gradient norm, validation scan, progressive from the top)').choices(['gradient', 'scan', 'progressive']).default('gradient'))
    .addOption(new Option('--base-dtype <dtype>', 'frozen base as computed: fp32, or int8/int4 MatMulNBits (QLoRA; lora, adapter, lisa)').choices(['fp32', 'int8', 'int4']).default('fp32'))
    .option('--width <n>', 'adapter bottleneck width', positiveIntFlag, 16)
    .addOption(new Option('--activation <name>', 'adapter activation').choices(['gelu', 'relu', 'silu']).default('gelu'))
    .option('--gamma <n>', 'lisa-sampling: layers unfrozen at a time', positiveIntFlag, 2)
    .option('--period <n>', 'lisa-sampling: steps between resampling', positiveIntFlag, 5)
    .option('--eval-every <n>', 'held-out eval every n steps (0: at the end)', nonNegativeIntFlag, 0)
    .option('--patience <n>', 'early stopping after n evals without improvement', positiveIntFlag)
    .option('--no-restore-best', 'on an early stop keep the last parameters, not those of the best eval')
    .option('--checkpoint-every <n>', 'checkpoint every n steps (0: at the end and on Ctrl-C)', nonNegativeIntFlag, 0)
    .option('--resume', 'continue from the checkpoint folder')
    .option('--checkpoint-dir <dir>', 'checkpoint folder (default: under the cache, keyed by --out; never inside the package)')
    .option('--name <name>', 'skill name (default: the --out folder name)')
    .option('--from <dir>', 'take name, version, description, routing, tools, system prompt and generation defaults from this skill folder\'s manifest (e.g. one made by skill init)')
    .option('--skill-version <semver>', 'skill version (default 0.1.0)')
    .option('--description <text>', 'skill description')
    .option('--route-examples <file>', 'routing examples, one per line (default: the training prompts, deduplicated, at most 32)')
    .option('--out-of-scope <file>', 'texts that are not this skill, one per line (routing.outOfScope)')
    .option('--keywords <list>', 'routing keywords, comma-separated')
    .option('--tools <list>', 'the tools the skill may call, comma-separated (default: every tool; "" for none)')
    .option('--system-prompt <text>', 'the skill\'s system prompt')
    .option('--raw', 'write the raw adapter files and report instead of a skill package');
  addAdviceOptions(command).action(async (flags: TrainFlags) => {
    const checkpointDir = flags.checkpointDir ?? defaultCheckpointDir(flags.out);
    const controller = new AbortController();
    process.once('SIGINT', () => {
      process.stderr.write('\nstopping at the next step boundary; writing a checkpoint…\n');
      controller.abort();
    });
    const base = await modelArg(flags.base);
    let method: MethodOptionsInput;
    let baseDtype = flags.baseDtype;
    if (flags.method === 'auto') {
      // the advice sets the method, its size and the base precision; the other flags stay as given
      const advice = adviceFor(base, readJsonlExamples(flags.data).length, flags);
      process.stderr.write(`--method auto:\n${formatAdvice(advice)}\n`);
      method = advice.method;
      baseDtype = advice.baseDtype;
    } else {
      method = methodOf({ ...flags, method: flags.method });
    }
    const bar = new ProgressBar('train', flags.steps);
    const result = await runTrain({
      base,
      data: flags.data,
      out: flags.out,
      method,
      options: {
        steps: flags.steps,
        batch: flags.batch,
        sequence: flags.sequence,
        seed: flags.seed,
        schedule: { learningRate: flags.lr, warmupSteps: Math.min(10, Math.floor(flags.steps / 10)) },
        adamw: { beta2: flags.beta2, weightDecay: flags.weightDecay },
        evalEvery: flags.evalEvery,
        patience: flags.patience ?? null,
        restoreBest: flags.restoreBest,
        checkpointDir,
        checkpointEvery: flags.checkpointEvery,
        baseDtype,
      },
      resumeFrom: flags.resume ? checkpointDir : undefined,
      skill: flags.raw ? false : skillInput(flags),
      onProgress: (p) => bar.update(p.step, `loss ${p.loss.toFixed(3)} ${p.tokensPerSecond.toFixed(0)} tok/s${p.evalLoss === undefined ? '' : ` eval ${p.evalLoss.toFixed(3)}`}`),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      signal: controller.signal,
    });
    bar.done();
    const last = result.state.curve.at(-1);
    process.stdout.write(
      `${JSON.stringify({ out: flags.out, skill: result.manifest?.name ?? null, method: result.plan.kind, steps: result.state.step, stopReason: result.stopReason, trainableParameters: result.trainableParameters, finalLoss: last?.loss ?? null, checkpointDir }, null, 2)}\n`,
    );
    if (result.stopReason === 'aborted') process.stderr.write(`checkpoint in ${checkpointDir}; continue with --resume\n`);
  });
}
