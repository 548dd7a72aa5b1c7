import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlugboardError, readModelConfig } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import { codeMappingExamples } from '../data/synthetic-tasks.ts';
import { runTrain } from '../run-train.ts';
import { checkTrainOptionsFitModel } from './train-options.ts';

let dir: string;
let modelDir: string;
let dataFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'train-options-'));
  modelDir = writeFixtureModel(join(dir, 'model'), { vocabSize: 300 }).dir;
  dataFile = join(dir, 'task.jsonl');
  writeFileSync(dataFile, `${codeMappingExamples(8, 1).map((e) => JSON.stringify(e)).join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('train options against the base model', () => {
  it('refuse a sequence longer than the model has positions, and accept one that fits', () => {
    const config = readModelConfig(modelDir);
    expect(() => checkTrainOptionsFitModel({ sequence: config.maxPositionEmbeddings + 1 }, config)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`${config.maxPositionEmbeddings} positions`) }),
    );
    expect(() => checkTrainOptionsFitModel({ sequence: config.maxPositionEmbeddings }, config)).not.toThrow();
  });

  it('runTrain refuses --sequence 2500 on a 2048-position model before it trains or writes anything', async () => {
    expect(readModelConfig(modelDir).maxPositionEmbeddings).toBe(2048);
    const out = join(dir, 'out');
    await expect(
      runTrain({ base: modelDir, data: dataFile, out, method: { kind: 'lora', rank: 2, alpha: 4 }, options: { steps: 1, batch: 2, sequence: 2500, schedule: { learningRate: 1e-3 } } }),
    ).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'INVALID_ARGUMENT'));
    expect(existsSync(out)).toBe(false);
  });
});
