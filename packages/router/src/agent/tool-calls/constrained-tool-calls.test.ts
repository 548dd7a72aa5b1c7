import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadModel } from '@plugboard/core';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import type { ConstraintSpec, GenerationResult, Model } from '@plugboard/core';
import { isParsedToolCall, parseToolCalls } from './parse-tool-calls.ts';

// three tools as an agent defines them: zod schemas, converted with z.toJSONSchema for the constraint
const TOOLS = {
  get_weather: z.object({ city: z.string().min(1).max(16), unit: z.enum(['celsius', 'fahrenheit']), days: z.number().int().min(1).max(7).optional() }),
  search_docs: z.object({ query: z.string().min(1).max(24), k: z.number().int().min(1).max(5) }),
  add: z.object({ a: z.number(), b: z.number() }),
};
const tools = Object.entries(TOOLS).map(([name, schema]) => ({ name, parameters: z.toJSONSchema(schema) as Record<string, unknown> }));

const root = mkdtempSync(join(tmpdir(), 'constrained-tool-calls-'));
let model: Model;
beforeAll(async () => {
  const dir = writeFixtureModel(join(root, 'model'), { ...TINY_SHAPES, seed: 21 }).dir;
  model = await loadModel(dir, { cacheDir: join(root, 'graphs'), contextLength: 1024 });
});
afterAll(async () => {
  await model.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** The result's calls, parsed the way the agent parses them, that name a tool and validate against its zod schema. */
function validCalls(result: GenerationResult): { valid: number; total: number; names: string[] } {
  const { calls } = parseToolCalls(result.text, 'c');
  const names: string[] = [];
  let valid = 0;
  for (const call of calls) {
    if (!isParsedToolCall(call)) continue;
    const schema = TOOLS[call.name as keyof typeof TOOLS];
    if (schema?.safeParse(call.args).success) {
      valid += 1;
      names.push(call.name);
    }
  }
  return { valid, total: calls.length, names };
}

async function sample(rows: number, batches: number, maxTokens: number, constraint?: ConstraintSpec): Promise<GenerationResult[]> {
  const results: GenerationResult[] = [];
  for (let b = 0; b < batches; b += 1) {
    const prompts = Array.from({ length: rows }, (_, i) => ({ prompt: `Request ${b * rows + i}: what's the weather in Oslo? Use a tool.` }));
    results.push(...(await model.generateBatch(prompts, { temperature: 1, seed: 7000 + b * rows, maxTokens, constraint }).result));
  }
  return results;
}

describe('constrained tool calls on a tiny random model', () => {
  it('required: 200 sampled generations at temperature 1 all parse and validate against their zod schemas (unconstrained: fewer)', async () => {
    const constrained = await sample(50, 4, 300, { type: 'tool_calls', tools, toolChoice: 'required', maxCalls: 2 });
    const free = await sample(50, 1, 60);
    const generationOk = (r: GenerationResult) => {
      const { valid, total } = validCalls(r);
      return total > 0 && valid === total && parseToolCalls(r.text, 'c').text === '';
    };
    const constrainedRate = constrained.filter(generationOk).length / constrained.length;
    const freeRate = free.filter(generationOk).length / free.length;
    const calls = constrained.reduce((n, r) => n + validCalls(r).total, 0);
    const names = new Set(constrained.flatMap((r) => validCalls(r).names));
    console.log(JSON.stringify({ tool_calls: { generations: constrained.length, calls, constrained_valid_rate: constrainedRate, unconstrained_valid_rate: freeRate } }));
    expect(constrained).toHaveLength(200);
    expect(constrainedRate).toBe(1);
    expect(constrained.every((r) => r.finishReason === 'stop')).toBe(true);
    expect(names).toEqual(new Set(Object.keys(TOOLS))); // the model picks among all three tools
    expect(freeRate).toBeLessThan(constrainedRate);
  });

  it('{name}: exactly one call of that tool; none: never a call tag', async () => {
    const named = await sample(20, 1, 200, { type: 'tool_calls', tools, toolChoice: { name: 'search_docs' } });
    for (const r of named) {
      const { valid, total, names } = validCalls(r);
      expect([valid, total, names]).toEqual([1, 1, ['search_docs']]);
    }
    const none = await sample(20, 1, 80, { type: 'tool_calls', tools, toolChoice: 'none' });
    // the fixture's tokenizer has <tool_call> as one token, and byte pieces could spell it too: neither gets through
    for (const r of none) expect(r.text).not.toContain('<tool_call>');
  });

  it('auto: free text, and any call the model opens is well formed', async () => {
    const results = await sample(20, 1, 120, { type: 'tool_calls', tools, toolChoice: 'auto' });
    for (const r of results) {
      const { calls } = parseToolCalls(r.text, 'c');
      // a call cut by maxTokens is the only way to be malformed
      const closedCalls = r.finishReason === 'length' ? calls.slice(0, -1) : calls;
      for (const call of closedCalls) expect(isParsedToolCall(call) && TOOLS[call.name as keyof typeof TOOLS].safeParse(call.args).success).toBe(true);
    }
  });
});
