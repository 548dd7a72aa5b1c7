import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { runTrain } from '@plugboard/train';
import type { MethodOptionsInput } from '@plugboard/train';
import { positiveIntFlag } from '../flags/number-flags.ts';
import { ProgressBar } from '../progress-bar.ts';

const METHODS = ['full', 'lora', 'adapter', 'lisa', 'lisa-sampling'] as const;
const int = (v: string) => Number.parseInt(v, 10);
const num = (v: string) => Number.parseFloat(v);
const ints = (v: string) => v.split(',').map(int);

interface TrainFlags {
  base: string;
  data: string;
  method: (typeof METHODS)[number];
  out: string;
  steps: number;
  batch: number;
  sequence: number;
  lr: number;
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
}

function methodOf(flags: TrainFlags): MethodOptionsInput {
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

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a skill (LoRA, Adapter, LISA) or a whole model from a JSONL file; Ctrl-C writes a checkpoint that --resume continues')
    .requiredOption('--base <dir>', 'base model folder')
    .requiredOption('--data <file>', 'JSONL: {"prompt","completion"} or {"messages":[...]} per line')
    .addOption(new Option('--method <name>', 'what to train').choices(METHODS).default('lora'))
    .requiredOption('--out <dir>', 'output folder (adapter or model, metrics, loss curve)')
    .option('--steps <n>', 'optimizer steps', int, 100)
    .option('--batch <n>', 'rows per step', int, 8)
    .option('--sequence <n>', 'tokens per row', int, 128)
    .option('--lr <x>', 'peak learning rate', num, 1e-3)
    .option('--seed <n>', 'random seed', int, 0)
    .option('--rank <n>', 'LoRA rank', int, 8)
    .option('--alpha <x>', 'LoRA alpha', num, 16)
    .option('--rslora', 'scale by alpha/sqrt(rank)')
    .option('--modules <list>', 'LoRA target modules', 'q,k,v,o')
    .option('--layers <list>', 'only these layers (lora, adapter)', ints)
    .option('--top-k <n|auto>', 'lisa: layers the probe keeps; auto: the smallest k within ε (0.05) of k+1', (v: string) => (v === 'auto' ? 'auto' : positiveIntFlag(v)), 2)
    .addOption(new Option('--adapter-kind <kind>', 'lisa: the adapter in the chosen layers').choices(['lora', 'bottleneck']).default('lora'))
    .addOption(new Option('--probe <name>', 'lisa: how layers are ranked (gradient norm, validation scan, progressive from the top)').choices(['gradient', 'scan', 'progressive']).default('gradient'))
    .addOption(new Option('--base-dtype <dtype>', 'frozen base as computed: fp32, or int8/int4 MatMulNBits (QLoRA; lora, adapter, lisa)').choices(['fp32', 'int8', 'int4']).default('fp32'))
    .option('--width <n>', 'adapter bottleneck width', int, 16)
    .addOption(new Option('--activation <name>', 'adapter activation').choices(['gelu', 'relu', 'silu']).default('gelu'))
    .option('--gamma <n>', 'lisa-sampling: layers unfrozen at a time', int, 2)
    .option('--period <n>', 'lisa-sampling: steps between resampling', int, 5)
    .option('--eval-every <n>', 'held-out eval every n steps (0: at the end)', int, 0)
    .option('--patience <n>', 'early stopping after n evals without improvement', int)
    .option('--no-restore-best', 'on an early stop keep the last parameters, not those of the best eval')
    .option('--checkpoint-every <n>', 'checkpoint every n steps (0: at the end and on Ctrl-C)', int, 0)
    .option('--resume', 'continue from OUT/checkpoint')
    .action(async (flags: TrainFlags) => {
      const checkpointDir = join(flags.out, 'checkpoint');
      const controller = new AbortController();
      process.once('SIGINT', () => {
        process.stderr.write('\nstopping at the next step boundary; writing a checkpoint…\n');
        controller.abort();
      });
      const bar = new ProgressBar('train', flags.steps);
      const result = await runTrain({
        base: flags.base,
        data: flags.data,
        out: flags.out,
        method: methodOf(flags),
        options: {
          steps: flags.steps,
          batch: flags.batch,
          sequence: flags.sequence,
          seed: flags.seed,
          schedule: { learningRate: flags.lr, warmupSteps: Math.min(10, Math.floor(flags.steps / 10)) },
          evalEvery: flags.evalEvery,
          patience: flags.patience ?? null,
          restoreBest: flags.restoreBest,
          checkpointDir,
          checkpointEvery: flags.checkpointEvery,
          baseDtype: flags.baseDtype,
        },
        resumeFrom: flags.resume ? checkpointDir : undefined,
        onProgress: (p) => bar.update(p.step, `loss ${p.loss.toFixed(3)} ${p.tokensPerSecond.toFixed(0)} tok/s${p.evalLoss === undefined ? '' : ` eval ${p.evalLoss.toFixed(3)}`}`),
        signal: controller.signal,
      });
      bar.done();
      const last = result.state.curve.at(-1);
      process.stdout.write(
        `${JSON.stringify({ out: flags.out, method: result.plan.kind, steps: result.state.step, stopReason: result.stopReason, trainableParameters: result.trainableParameters, finalLoss: last?.loss ?? null }, null, 2)}\n`,
      );
      if (result.stopReason === 'aborted') process.stderr.write(`checkpoint in ${checkpointDir}; continue with --resume\n`);
    });
}
