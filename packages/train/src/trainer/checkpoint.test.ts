import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { AdamW, AdamWOptionsSchema } from './adamw.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import type { TrainState } from './checkpoint.ts';
import { ParameterStore } from './parameter-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shapes = new Map([
  ['w', [2, 3]],
  ['b', [3]],
]);

function state(step: number): TrainState {
  return {
    version: 1,
    methodKind: 'lora',
    step,
    cursor: { epoch: 1, batchIndex: 2 },
    seed: 4,
    curve: [{ step, loss: 1.5, learningRate: 0.01 }],
    evals: [],
    bestEval: null,
    evalsWithoutImprovement: 0,
    optimizerSteps: { w: step },
  };
}

describe('checkpoints', () => {
  it('round-trips parameters, AdamW moments and state', () => {
    const store = new ParameterStore(shapes);
    store.set('w', new Float32Array([1, 2, 3, 4, 5, 6]));
    store.set('b', new Float32Array([7, 8, 9]));
    const adam = new AdamW(AdamWOptionsSchema.parse({}));
    adam.update('w', store.get('w'), new Float32Array([1, 1, 1, 1, 1, 1]), 0.1, true);
    const path = join(dir, 'a');
    saveCheckpoint(path, store, ['w', 'b'], adam, state(1));

    const restored = new ParameterStore(shapes);
    const restoredAdam = new AdamW(AdamWOptionsSchema.parse({}));
    const loaded = loadCheckpoint(path, restored, restoredAdam);
    expect(loaded).toEqual(state(1));
    expect(restored.get('w')).toEqual(store.get('w'));
    expect(restored.get('b')).toEqual(store.get('b'));
    expect(restoredAdam.states.get('w')).toEqual(adam.states.get('w'));
  });

  it('rejects a folder that is not a checkpoint', () => {
    const bad = join(dir, 'bad');
    saveCheckpoint(bad, new ParameterStore(new Map()), [], new AdamW(AdamWOptionsSchema.parse({})), state(0));
    writeFileSync(join(bad, 'state.json'), '{"version":2}');
    const attempt = () => loadCheckpoint(bad, new ParameterStore(new Map()), new AdamW(AdamWOptionsSchema.parse({})));
    expect(attempt).toThrow();
    try {
      attempt();
    } catch (error) {
      expect(isPlugboardError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
    expect(() => loadCheckpoint(join(dir, 'none'), new ParameterStore(new Map()), new AdamW(AdamWOptionsSchema.parse({})))).toThrow(/not a training checkpoint/);
  });
});
