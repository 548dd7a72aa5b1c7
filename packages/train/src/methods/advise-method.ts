import { z } from 'zod';
import { PlugboardError, formatBytes, moduleFeatures } from '@plugboard/core';
import type { LoraModule, ModelConfig } from '@plugboard/core';
import type { MethodOptionsInput } from './method-options.ts';

/**
 * Where the skills will run: `hot-swap` (this repo's bank: many skills on one
 * base, swapped per step), `edge` (a fixed device with one skill set),
 * `vllm` / `lorax` (an existing multi-LoRA engine, which serves LoRA only).
 */
export const DEPLOYMENTS = ['hot-swap', 'edge', 'vllm', 'lorax'] as const;
/** How often a skill is retrained. */
export const UPDATE_FREQUENCIES = ['rare', 'weekly', 'daily'] as const;
export const BASE_DTYPES = ['fp32', 'int8', 'int4'] as const;

export const AdviceRequestSchema = z.object({
  /** training examples of the skill */
  examples: z.number().int().positive(),
  /** skills that share the base (all resident at once when hot-swapped) */
  skills: z.number().int().positive().default(1),
  /** bytes for the served base and every skill's adapter together; none: no limit */
  memoryBudgetBytes: z.number().positive().optional(),
  updates: z.enum(UPDATE_FREQUENCIES).default('rare'),
  deployment: z.enum(DEPLOYMENTS).default('hot-swap'),
});
export type AdviceRequest = z.input<typeof AdviceRequestSchema>;

/**
 * What a reason stands on: `engine` (what a serving engine supports),
 * `computed` (exact from the model's shapes), `measured` (a figure this repo's
 * benchmarks print), `rule of thumb` (common practice, not measured here yet).
 */
export type AdviceGrounds = 'engine' | 'computed' | 'measured' | 'rule of thumb';

export interface AdviceReason {
  says: string;
  grounds: AdviceGrounds;
}

export interface Advice {
  /** the method options `plugboard train --method auto` trains with */
  method: MethodOptionsInput;
  /** the name `plugboard train --method` takes (`lisa` for both LISA kinds) */
  methodName: 'lora' | 'adapter' | 'lisa';
  /** the base precision to serve (and train over, `--base-dtype`) */
  baseDtype: (typeof BASE_DTYPES)[number];
  /** bytes of one skill's adapter as the bank holds it (fp32) */
  adapterBytes: number;
  /** the base at `baseDtype` plus every skill's adapter */
  servingBytes: number;
  reasons: AdviceReason[];
  /** the `plugboard train` flags that say the same */
  trainFlags: string[];
}

/** Below this many examples a skill has "little data" and trains a LISA adapter in a few layers. */
export const LITTLE_DATA_EXAMPLES = 300;
/** From this many examples up a LoRA gets rank 16 instead of 8. */
export const LARGER_RANK_EXAMPLES = 1000;
const ALL_MODULES: readonly LoraModule[] = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];
const BOTTLENECK_WIDTH = 64;
const FLOAT_BYTES = 4;

/** fp32 bytes of a rank-`rank` LoRA on `modules` in `layers` layers. */
export function loraBytes(config: ModelConfig, rank: number, modules: readonly LoraModule[], layers: number): number {
  const perLayer = modules.reduce((sum, module) => {
    const { inFeatures, outFeatures } = moduleFeatures(config, module);
    return sum + rank * (inFeatures + outFeatures);
  }, 0);
  return perLayer * layers * FLOAT_BYTES;
}

/** fp32 bytes of a width-`width` bottleneck Adapter (down, up and their biases) in `layers` layers. */
export function bottleneckBytes(config: ModelConfig, width: number, layers: number): number {
  const d = config.hiddenSize;
  return (2 * d * width + width + d) * layers * FLOAT_BYTES;
}

interface Candidate {
  kind: 'lora' | 'bottleneck';
  layers: number;
  rank: number;
}

/**
 * The seed's method decision as a function: the examples, the number of
 * skills, the memory budget, how often skills are retrained and where they
 * run → a method, its size, the base precision, and the reasons. Sizes are
 * exact from `config`; `baseBytes` is the served base per precision (core's
 * inspectModel().memoryBytes). Every reason says what it stands on; where it
 * is a rule of thumb, no measurement here backs it yet.
 */
export function adviseMethod(config: ModelConfig, baseBytes: Record<(typeof BASE_DTYPES)[number], number>, request: AdviceRequest): Advice {
  const r = AdviceRequestSchema.parse(request);
  const reasons: AdviceReason[] = [];
  const say = (says: string, grounds: AdviceGrounds) => reasons.push({ says, grounds });
  const L = config.numLayers;

  const loraOnly = r.deployment === 'vllm' || r.deployment === 'lorax';
  if (loraOnly) say(`${r.deployment} serves LoRA adapters only, so the skill is a LoRA (a bottleneck Adapter would have to stay local)`, 'engine');
  if (r.deployment === 'edge') say('on a fixed device a LoRA can be merged into the base weights (no adapter cost per token); a bottleneck Adapter cannot', 'engine');
  const preferLora = loraOnly || r.deployment === 'edge';

  const little = r.examples < LITTLE_DATA_EXAMPLES;
  const frequent = r.updates === 'daily';
  const sparse = little || frequent;
  // about a quarter of the layers, at least one
  const lisaLayers = Math.max(1, Math.round(L / 4));
  if (little) say(`${r.examples} examples is little data (< ${LITTLE_DATA_EXAMPLES}): LISA trains an adapter in the ${lisaLayers} layers its probe ranks highest, far fewer parameters to fit`, 'rule of thumb');
  else if (frequent) say(`retrained daily: LISA trains ${lisaLayers} of ${L} layers, so each retraining updates and ships a smaller adapter`, 'rule of thumb');
  const rank = r.examples >= LARGER_RANK_EXAMPLES ? 16 : 8;
  if (!sparse) say(`${r.examples} examples: a dense adapter in every layer${r.examples >= LARGER_RANK_EXAMPLES ? ', LoRA rank 16' : ', LoRA rank 8'}`, 'rule of thumb');

  // the candidates in order of preference; memory picks the first that fits
  const layers = sparse ? lisaLayers : L;
  const candidates: Candidate[] = preferLora
    ? [{ kind: 'lora', layers, rank }, { kind: 'lora', layers, rank: 4 }, { kind: 'lora', layers: lisaLayers, rank: 4 }]
    : [{ kind: 'lora', layers, rank }, { kind: 'bottleneck', layers, rank }, { kind: 'bottleneck', layers: lisaLayers, rank }];
  const bytesOf = (c: Candidate) => (c.kind === 'lora' ? loraBytes(config, c.rank, ALL_MODULES, c.layers) : bottleneckBytes(config, BOTTLENECK_WIDTH, c.layers));
  const fits = (c: Candidate, dtype: (typeof BASE_DTYPES)[number]) => r.memoryBudgetBytes === undefined || baseBytes[dtype] + r.skills * bytesOf(c) <= r.memoryBudgetBytes;

  let chosen: { candidate: Candidate; dtype: (typeof BASE_DTYPES)[number] } | undefined;
  for (const dtype of BASE_DTYPES) {
    const candidate = candidates.find((c) => fits(c, dtype));
    if (candidate !== undefined) {
      chosen = { candidate, dtype };
      break;
    }
  }
  if (chosen === undefined) {
    const smallest = baseBytes.int4 + r.skills * Math.min(...candidates.map(bytesOf));
    throw new PlugboardError('INVALID_ARGUMENT', `no method fits ${formatBytes(r.memoryBudgetBytes ?? 0)}: the smallest (int4 base, ${r.skills} skill${r.skills === 1 ? '' : 's'} of the smallest adapter) needs ${formatBytes(smallest)}; raise the budget or serve fewer skills at once`);
  }
  const { candidate, dtype } = chosen;
  const adapterBytes = bytesOf(candidate);
  const servingBytes = baseBytes[dtype] + r.skills * adapterBytes;
  if (r.memoryBudgetBytes !== undefined) {
    const first = candidates[0] as Candidate;
    if (candidate !== first) say(`the budget does not hold ${r.skills} × ${formatBytes(bytesOf(first))} of ${first.kind === 'lora' ? `rank-${first.rank} LoRA` : 'Adapter'} beside the base: ${candidate.kind === 'lora' ? `rank ${candidate.rank}` : `a width-${BOTTLENECK_WIDTH} bottleneck Adapter`}${candidate.layers < L ? ` in ${candidate.layers} layers` : ''} (${formatBytes(adapterBytes)} a skill) does`, 'computed');
    if (dtype !== 'fp32') say(`the fp32 base (${formatBytes(baseBytes.fp32)}) does not fit the budget with the skills; the ${dtype} base (${formatBytes(baseBytes[dtype])}) does, and training runs over it too (--base-dtype ${dtype}, QLoRA-style)`, 'computed');
  }
  say(`${r.skills} skill${r.skills === 1 ? '' : 's'} × ${formatBytes(adapterBytes)} + the ${dtype} base ${formatBytes(baseBytes[dtype])} = ${formatBytes(servingBytes)} served${r.memoryBudgetBytes === undefined ? '' : ` (budget ${formatBytes(r.memoryBudgetBytes)})`}`, 'computed');
  if (r.deployment === 'hot-swap' && r.skills > 1) say('switching skills per step costs microseconds for either kind (a slot write in the bank; pnpm bench:adapters)', 'measured');

  const lisa = candidate.layers < L;
  // the gradient probe needs fp32 base weights; over a quantized base LISA ranks layers by a validation scan
  const probe = dtype === 'fp32' ? 'gradient' : 'scan';
  const lora = { rank: candidate.rank, alpha: 2 * candidate.rank, modules: [...ALL_MODULES] };
  const method: MethodOptionsInput =
    candidate.kind === 'lora'
      ? lisa
        ? { kind: 'lisa', adapterKind: 'lora', ...lora, topK: candidate.layers, probe }
        : { kind: 'lora', ...lora }
      : lisa
        ? { kind: 'lisa', adapterKind: 'bottleneck', width: BOTTLENECK_WIDTH, topK: candidate.layers, probe }
        : { kind: 'adapter', width: BOTTLENECK_WIDTH };
  const methodName = lisa ? 'lisa' : candidate.kind === 'lora' ? 'lora' : 'adapter';
  const trainFlags = [
    '--method', methodName,
    ...(lisa ? ['--adapter-kind', candidate.kind, '--top-k', String(candidate.layers)] : []),
    ...(candidate.kind === 'lora' ? ['--rank', String(lora.rank), '--alpha', String(lora.alpha), '--modules', ALL_MODULES.join(',')] : ['--width', String(BOTTLENECK_WIDTH)]),
    ...(dtype === 'fp32' ? [] : ['--base-dtype', dtype]),
    ...(lisa && probe !== 'gradient' ? ['--probe', probe] : []),
  ];
  return { method, methodName, baseDtype: dtype, adapterBytes, servingBytes, reasons, trainFlags };
}
