import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { StreamDecoder } from './stream-decoder.ts';
import { loadTokenizer } from './tokenizer.ts';
import type { Tokenizer } from './tokenizer.ts';

const root = useTempDir('stream');
let tokenizer: Tokenizer;

beforeAll(() => {
  writeFixtureModel(join(root, 'model'));
  tokenizer = loadTokenizer(join(root, 'model'));
});

function streamAll(ids: number[], options?: { skipSpecialTokens?: boolean }): string[] {
  const decoder = new StreamDecoder(tokenizer, options);
  const chunks = ids.map((id) => decoder.push(id));
  chunks.push(decoder.flush());
  return chunks;
}

describe('StreamDecoder', () => {
  it('never emits half a character when byte tokens split multi-byte UTF-8', () => {
    const text = 'héllo 世界 🙂 done';
    const ids = tokenizer.encode(text);
    expect(ids.length).toBeGreaterThan([...text].length); // some characters really are split over tokens
    const chunks = streamAll(ids);
    expect(chunks.join('')).toBe(text);
    expect(chunks.some((chunk) => chunk.includes('\uFFFD'))).toBe(false);
    expect(chunks).toContain('🙂');
    expect(chunks.filter((chunk) => chunk === '').length).toBeGreaterThan(0); // held back while incomplete
  });

  it('emits ASCII token by token', () => {
    const ids = tokenizer.encode('the cat sat');
    const chunks = streamAll(ids);
    expect(chunks.slice(0, ids.length).every((chunk) => chunk.length > 0)).toBe(true);
    expect(chunks.join('')).toBe('the cat sat');
  });

  it('lets a stray byte through as U+FFFD once later text shows it never completes, and flushes a dangling one', () => {
    const lead = tokenizer.encode('世')[0]; // first byte of a 3-byte character
    const chunks = streamAll([...tokenizer.encode('a'), lead, ...tokenizer.encode('b'), lead]);
    expect(chunks.join('')).toBe('a\uFFFDb\uFFFD');
    expect(chunks.at(-1)).toBe('\uFFFD'); // only flush() gives up on the last one
  });

  it('drops special tokens when asked', () => {
    const ids = tokenizer.encode('hi<|im_end|>');
    expect(streamAll(ids, { skipSpecialTokens: true }).join('')).toBe('hi');
    expect(streamAll(ids).join('')).toBe('hi<|im_end|>');
  });
});
