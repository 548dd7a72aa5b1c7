import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import { TINY_SHAPES } from '../fixtures/fixture-options.ts';
import { abortAfterTokens, useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import type { Model } from '../runtime/load-model.ts';
import { loadModel } from '../runtime/load-model.ts';
import type { ConstraintSpec } from './constraint-spec.ts';

const tmp = useTempDir('constrained-generation');
let model: Model;

beforeAll(async () => {
  const dir = writeFixtureModel(join(tmp, 'model'), { ...TINY_SHAPES, seed: 9 }).dir;
  model = await loadModel(dir, { cacheDir: join(tmp, 'graphs'), contextLength: 512 });
});
afterAll(() => model.dispose());

const Answer = z.object({
  answer: z.string().max(30),
  confidence: z.number().min(0).max(1),
  sources: z.array(z.object({ title: z.string().min(1).max(12), page: z.number().int().min(1).max(999) })).max(2),
  verdict: z.enum(['yes', 'no', 'unsure']),
  note: z.string().max(10).nullable(),
});
const ANSWER_SCHEMA: ConstraintSpec = { type: 'json_schema', schema: z.toJSONSchema(Answer) };

function validRate(texts: string[]): number {
  return texts.filter((text) => {
    try {
      return Answer.safeParse(JSON.parse(text)).success;
    } catch {
      return false;
    }
  }).length / texts.length;
}

async function sampled(rows: number, batches: number, maxTokens: number, constraint?: ConstraintSpec) {
  const results = [];
  for (let b = 0; b < batches; b += 1) {
    const prompts = Array.from({ length: rows }, (_, i) => ({ prompt: `Question ${b * rows + i}: is it raining? Answer in JSON.` }));
    results.push(...(await model.generateBatch(prompts, { temperature: 1, seed: 1000 + b * rows, maxTokens, constraint }).result));
  }
  return results;
}

describe('constrained generation: json_schema', () => {
  it('200 sampled generations at temperature 1 all parse and validate against the zod schema (unconstrained: fewer)', async () => {
    const constrained = await sampled(50, 4, 200, ANSWER_SCHEMA);
    const free = await sampled(50, 1, 60);
    const constrainedRate = validRate(constrained.map((r) => r.text));
    const freeRate = validRate(free.map((r) => r.text));
    console.log(JSON.stringify({ json_schema: { generations: constrained.length, constrained_valid_rate: constrainedRate, unconstrained_valid_rate: freeRate } }));
    expect(constrained).toHaveLength(200);
    expect(constrainedRate).toBe(1);
    // a complete value ends the row: 'stop' without an EOS token (nothing may follow the value)
    expect(constrained.every((r) => r.finishReason === 'stop')).toBe(true);
    expect(freeRate).toBeLessThan(constrainedRate);
  });

  it('greedy decoding respects the mask too', async () => {
    const [result] = await model.generate('Answer:', { temperature: 0, maxTokens: 200, constraint: ANSWER_SCHEMA }).result;
    expect(Answer.safeParse(JSON.parse(result!.text)).success).toBe(true);
  });

  it('a constrained value cut by maxTokens finishes with "length" and is a valid prefix only', async () => {
    const [result] = await model.generate('Answer:', { temperature: 1, seed: 3, maxTokens: 5, constraint: ANSWER_SCHEMA }).result;
    expect(result!.finishReason).toBe('length');
    expect(result!.tokens).toHaveLength(5);
    expect(result!.text.startsWith('{')).toBe(true);
    expect(() => JSON.parse(result!.text)).toThrow();
  });

  it('stop strings still end a constrained generation', async () => {
    const [result] = await model.generate('Answer:', { temperature: 1, seed: 4, maxTokens: 200, stopStrings: ['"answer"'], constraint: ANSWER_SCHEMA }).result;
    expect(result!.finishReason).toBe('stop');
    expect(result!.stoppedBy).toBe('"answer"');
    expect(result!.text).toMatch(/^\s{0,2}\{\s{0,2}$/);
  });

  it('a schema keyword it cannot compile fails with UNSUPPORTED_FEATURE naming it, before running the model', async () => {
    const spec: ConstraintSpec = { type: 'json_schema', schema: z.toJSONSchema(z.object({ email: z.email() })) };
    const error = await model.complete('x', { constraint: spec }).catch((e: unknown) => e);
    expect(isPlugboardError(error, 'UNSUPPORTED_FEATURE')).toBe(true);
    expect((error as Error).message).toMatch(/"(format|pattern)"/);
    const bad = await model.complete('x', { constraint: { type: 'tool_calls', tools: [], toolChoice: { name: 'nope' } } }).catch((e: unknown) => e);
    expect(isPlugboardError(bad, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('an abort mid-constrained-generation stops within a step with ABORTED, and the model keeps working', async () => {
    const controller = new AbortController();
    const stream = model.generate('abort me', { temperature: 1, seed: 5, maxTokens: 200, signal: controller.signal, constraint: ANSWER_SCHEMA });
    const { error, seen } = await abortAfterTokens(stream, 3, () => controller.abort());
    expect(isPlugboardError(error, 'ABORTED')).toBe(true);
    expect(seen).toHaveLength(3);
    const [after] = await model.generate('Answer:', { temperature: 0, maxTokens: 200, constraint: ANSWER_SCHEMA }).result;
    expect(Answer.safeParse(JSON.parse(after!.text)).success).toBe(true);
  });
});
