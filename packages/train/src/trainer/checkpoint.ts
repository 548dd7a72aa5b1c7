import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError, openWeights, writeSafetensors } from '@plugboard/core';
import { z } from 'zod';
import { LayerImportanceSchema } from '../methods/layer-importance.ts';
import type { AdamW } from './adamw.ts';
import type { ParameterStore } from './parameter-store.ts';

const PARAMS_FILE = 'params.safetensors';
const OPTIMIZER_FILE = 'optimizer.safetensors';
const STATE_FILE = 'state.json';

export const CurvePointSchema = z.object({ step: z.number().int(), loss: z.number(), learningRate: z.number() });
export const EvalPointSchema = z.object({ step: z.number().int(), loss: z.number() });
export type CurvePoint = z.infer<typeof CurvePointSchema>;
export type EvalPoint = z.infer<typeof EvalPointSchema>;

/** Everything besides tensors that a resumed run needs to continue exactly where it stopped. */
export const TrainStateSchema = z.object({
  version: z.literal(1),
  methodKind: z.string(),
  /** optimizer steps done */
  step: z.number().int().nonnegative(),
  /** the data stream's position; with the seed this is the whole RNG state (orders are derived from (seed, epoch)) */
  cursor: z.object({ epoch: z.number().int().nonnegative(), batchIndex: z.number().int().nonnegative() }),
  seed: z.number().int().nonnegative(),
  curve: z.array(CurvePointSchema),
  evals: z.array(EvalPointSchema),
  bestEval: z.number().nullable(),
  evalsWithoutImprovement: z.number().int().nonnegative(),
  /** per parameter AdamW step counts (bias correction) */
  optimizerSteps: z.record(z.string(), z.number().int().nonnegative()),
  importance: LayerImportanceSchema.optional(),
});
export type TrainState = z.infer<typeof TrainStateSchema>;

/**
 * Writes params, AdamW moments and the state to `dir`, built beside it and
 * swapped in, so a crash mid-write never leaves a half checkpoint.
 */
export function saveCheckpoint(dir: string, store: ParameterStore, names: readonly string[], adam: AdamW, state: TrainState): void {
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const tensor = (name: string, values: Float32Array) => ({ name, dtype: 'F32' as const, shape: [values.length], values });
  writeSafetensors(join(staging, PARAMS_FILE), names.map((name) => ({ ...tensor(name, store.get(name)), shape: [...store.shapeOf(name)] })));
  const moments = [...adam.states].flatMap(([name, s]) => [tensor(`m.${name}`, s.m), tensor(`v.${name}`, s.v)]);
  writeSafetensors(join(staging, OPTIMIZER_FILE), moments);
  writeFileSync(join(staging, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

/** The state of the checkpoint in `dir`, without its tensors. */
export function readCheckpointState(dir: string): TrainState {
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) throw new PlugboardError('FILE_NOT_FOUND', `no ${STATE_FILE} in ${dir}: not a training checkpoint folder`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(statePath, 'utf8'));
  } catch (cause) {
    throw new PlugboardError('INVALID_ARGUMENT', `${statePath} is not valid JSON; the checkpoint is damaged`, { cause });
  }
  const parsed = TrainStateSchema.safeParse(raw);
  if (!parsed.success) throw new PlugboardError('INVALID_ARGUMENT', `${statePath} is not a checkpoint state: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Restores params and AdamW moments from `dir` into `store` / `adam` and returns the state. */
export function loadCheckpoint(dir: string, store: ParameterStore, adam: AdamW): TrainState {
  const state = readCheckpointState(dir);
  const params = openWeights(join(dir, PARAMS_FILE));
  try {
    for (const name of params.names()) store.set(name, params.float32(name));
  } finally {
    params.close();
  }
  const moments = openWeights(join(dir, OPTIMIZER_FILE));
  try {
    adam.states.clear();
    for (const [name, steps] of Object.entries(state.optimizerSteps)) {
      adam.states.set(name, { m: moments.float32(`m.${name}`), v: moments.float32(`v.${name}`), steps });
    }
  } finally {
    moments.close();
  }
  return state;
}
