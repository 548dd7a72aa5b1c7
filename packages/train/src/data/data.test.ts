import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlugboardError, loadChatTemplate, loadTokenizer } from '@plugboard/core';
import { writeFixtureModel } from '@plugboard/core/testing';
import type { ChatTemplate, Tokenizer } from '@plugboard/core';
import { BatchOrder } from './batch-order.ts';
import { packExamples } from './pack-rows.ts';
import { parseJsonlExamples, readJsonlExamples } from './read-examples.ts';
import { prepareTrainingData } from './training-data.ts';
import { tokenizeExample } from './tokenize-example.ts';

let dir: string;
let tokenizer: Tokenizer;
let chatTemplate: ChatTemplate;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'train-data-'));
  writeFixtureModel(join(dir, 'model'), { vocabSize: 300 });
  tokenizer = loadTokenizer(join(dir, 'model'));
  chatTemplate = loadChatTemplate(join(dir, 'model'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dataError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isPlugboardError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a PlugboardError');
}

describe('parseJsonlExamples', () => {
  it('reads both shapes and skips blank lines', () => {
    const text = '{"prompt":"a","completion":"b"}\n\n{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}\n';
    expect(parseJsonlExamples(text)).toHaveLength(2);
  });

  it('reports every bad line with its number and problem, before anything runs', () => {
    const text = ['{"prompt":"a","completion":"b"}', 'not json', '{"prompt":"a"}', '{"messages":[{"role":"user","content":"x"}]}', '[1]'].join('\n');
    const { code, message } = dataError(() => parseJsonlExamples(text, 'data.jsonl'));
    expect(code).toBe('DATA_INVALID');
    expect(message).toContain('line 2: is not valid JSON');
    expect(message).toMatch(/line 3: .*completion/);
    expect(message).toMatch(/line 4: messages has no assistant turn/);
    expect(message).toContain('line 5: is not a JSON object');
  });

  it('rejects an empty file and a missing file with their own codes', () => {
    expect(dataError(() => parseJsonlExamples('\n\n')).code).toBe('DATA_INVALID');
    expect(dataError(() => readJsonlExamples(join(dir, 'nope.jsonl'))).code).toBe('FILE_NOT_FOUND');
  });

  it('reads a file', () => {
    const path = join(dir, 'ok.jsonl');
    writeFileSync(path, '{"prompt":"q","completion":"a"}\n');
    expect(readJsonlExamples(path)).toEqual([{ prompt: 'q', completion: 'a' }]);
  });
});

describe('tokenizeExample', () => {
  it('learns the completion and the eos, not the prompt', () => {
    const { tokens, weights } = tokenizeExample({ prompt: 'code: ab ->', completion: ' xy' }, { tokenizer });
    const promptLength = tokenizer.encode('code: ab ->', { addSpecialTokens: false }).length;
    expect(weights.slice(0, promptLength).every((w) => w === 0)).toBe(true);
    expect(weights.slice(promptLength).every((w) => w === 1)).toBe(true);
    expect(tokens.at(-1)).toBe(tokenizer.eosTokenIds[0]);
    expect(tokenizer.decode(tokens.filter((_, i) => weights[i] === 1), { skipSpecialTokens: true })).toBe(' xy');
  });

  it('learns exactly the assistant turns of a chat', () => {
    const messages = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'bye' },
      { role: 'assistant', content: 'ciao' },
    ];
    const { tokens, weights } = tokenizeExample({ messages }, { tokenizer, chatTemplate });
    expect(tokenizer.decode(tokens)).toBe(chatTemplate.render({ messages }));
    const learned = tokenizer.decode(tokens.filter((_, i) => weights[i] === 1));
    expect(learned).toBe('hello<|im_end|>\nciao<|im_end|>\n');
  });

  it('renders a chat with its tools as the agent prompts at inference, and learns the tool call and the answer', () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', description: 'find a row', parameters: { type: 'object', properties: { id: { type: 'integer' } } } } }];
    const messages = [
      { role: 'user', content: 'row 7?' },
      { role: 'assistant', content: '<tool_call>\n{"name": "lookup", "arguments": {"id": 7}}\n</tool_call>' },
      { role: 'tool', content: '{"row":"seven"}' },
      { role: 'assistant', content: 'seven' },
    ];
    const { tokens, weights } = tokenizeExample({ messages, tools }, { tokenizer, chatTemplate });
    const rendered = chatTemplate.render({ messages, tools });
    expect(rendered).toContain('"name": "lookup"');
    expect(tokenizer.decode(tokens)).toBe(rendered);
    expect(tokenizer.decode(tokens.filter((_, i) => weights[i] === 1))).toBe(`${messages[1]?.content}<|im_end|>\nseven<|im_end|>\n`);
    // the prompt of the first turn is exactly what LocalBackend renders for that step
    const prompt = chatTemplate.render({ messages: messages.slice(0, 1), tools, addGenerationPrompt: true });
    expect(tokenizer.decode(tokens.slice(0, weights.indexOf(1)))).toBe(prompt);
  });

  it('refuses a chat example whose tools are not function specs', () => {
    const text = '{"tools":[{"type":"bogus"}],"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}]}\n';
    expect(dataError(() => parseJsonlExamples(text, 'tools.jsonl')).code).toBe('DATA_INVALID');
  });

  it('needs a chat template for chats', () => {
    const chat = { messages: [{ role: 'assistant', content: 'x' }] };
    expect(dataError(() => tokenizeExample(chat, { tokenizer })).code).toBe('DATA_INVALID');
  });
});

describe('packing, split and batch order', () => {
  it('packs examples into fixed rows of S + 1 tokens with zero-weight padding', () => {
    const rows = packExamples(
      [
        { tokens: [1, 2, 3], weights: [0, 1, 1] },
        { tokens: [4, 5], weights: [0, 1] },
        { tokens: [6, 7, 8, 9, 10, 11, 12], weights: [0, 0, 1, 1, 1, 1, 1] },
      ],
      5,
    );
    expect(rows.map((r) => r.tokens)).toEqual([
      [1, 2, 3, 4, 5, 0],
      [6, 7, 8, 9, 10, 11],
    ]);
    expect(rows[0]?.weights).toEqual([0, 1, 1, 0, 1, 0]);
    // one segment per example, padding its own; a new row starts again at 0
    expect(rows.map((r) => r.segments)).toEqual([
      [0, 0, 0, 1, 1, 2],
      [0, 0, 0, 0, 0, 0],
    ]);
  });

  it('splits off a deterministic held-out set and refuses examples with nothing to learn', () => {
    const examples = Array.from({ length: 20 }, (_, i) => ({ prompt: `p${i}`, completion: ` c${i}` }));
    const a = prepareTrainingData(examples, { tokenizer }, { sequence: 16, heldOutFraction: 0.2, seed: 3 });
    const b = prepareTrainingData(examples, { tokenizer }, { sequence: 16, heldOutFraction: 0.2, seed: 3 });
    expect(a.heldOutExamples).toHaveLength(4);
    expect(a.trainExamples).toHaveLength(16);
    expect(a.heldOutExamples).toEqual(b.heldOutExamples);
    const long = [{ prompt: 'x'.repeat(200), completion: 'y' }];
    expect(dataError(() => prepareTrainingData(long, { tokenizer }, { sequence: 8 })).code).toBe('DATA_INVALID');
  });

  it('counts the examples cut at the sequence length and the learned tokens they lose', () => {
    const short = { prompt: 'a', completion: ' b' };
    const long = { prompt: 'a', completion: ' b'.repeat(40) };
    const tokens = tokenizeExample(long, { tokenizer }).tokens.length;
    const { truncated } = prepareTrainingData([short, long, long], { tokenizer }, { sequence: 16, heldOutFraction: 0 });
    expect(truncated.examples).toBe(2);
    expect(truncated.longest).toBe(tokens);
    // a row holds 17 tokens: everything after them is lost, all of it learned (the completion and its eos)
    expect(truncated.learnedTokensCut).toBe(2 * (tokens - 17));
    expect(prepareTrainingData([short], { tokenizer }, { sequence: 16, heldOutFraction: 0 }).truncated).toMatchObject({ examples: 0, learnedTokensCut: 0 });
  });

  it('yields the same batches for the same seed and epoch, and a new order next epoch', () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({ tokens: [i, i, i], weights: [0, 1, 1] }));
    const order = new BatchOrder(rows, 2, 2, 9);
    const first = order.take({ epoch: 0, batchIndex: 1 });
    expect(order.take({ epoch: 0, batchIndex: 1 }).batch).toEqual(first.batch);
    expect(first.next).toEqual({ epoch: 0, batchIndex: 2 });
    expect(order.take({ epoch: 0, batchIndex: 2 }).next).toEqual({ epoch: 1, batchIndex: 0 });
    const epochs = [0, 1, 2, 3].map((epoch) => [0, 1, 2].map((i) => order.take({ epoch, batchIndex: i }).batch.inputIds[0]));
    expect(new Set(epochs.map((e) => e.join(','))).size).toBeGreaterThan(1);
  });
});
