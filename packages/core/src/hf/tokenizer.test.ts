import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { writeFixtureModel } from '../fixtures/write-fixture-model.ts';
import { createTokenizer, loadTokenizer } from './tokenizer.ts';
import type { Tokenizer } from './tokenizer.ts';

const root = useTempDir('tokenizer');
const modelDir = join(root, 'model');
let tokenizer: Tokenizer;
let tokenizerJson: unknown;

beforeAll(() => {
  writeFixtureModel(modelDir);
  tokenizer = loadTokenizer(modelDir);
  tokenizerJson = JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8'));
});

describe('loadTokenizer', () => {
  it('encodes special tokens as single ids and decodes with or without them', () => {
    const ids = tokenizer.encode('<|im_start|>user\nhi<|im_end|><tool_call>{}</tool_call>');
    expect(ids[0]).toBe(tokenizer.tokenToId('<|im_start|>'));
    expect(ids).toContain(tokenizer.tokenToId('<|im_end|>'));
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('user\nhi<tool_call>{}</tool_call>');
    expect(tokenizer.decode(ids)).toBe('<|im_start|>user\nhi<|im_end|><tool_call>{}</tool_call>');
    expect(tokenizer.encode('hi', { addSpecialTokens: false })).toEqual(tokenizer.encode('hi'));
  });

  it('maps tokens and ids both ways', () => {
    expect(tokenizer.idToToken(0)).toBe('!');
    expect(tokenizer.tokenToId('Ġthe')).toBeGreaterThanOrEqual(256);
    expect(tokenizer.idToToken(tokenizer.vocabSize - 1)).toBe('</tool_call>');
    expect(tokenizer.idToToken(-1)).toBeUndefined();
    expect(tokenizer.idToToken(tokenizer.vocabSize)).toBeUndefined();
    expect(tokenizer.tokenToId('no-such-token')).toBeUndefined();
  });

  it('decodes an empty list to an empty string and refuses ids outside the vocabulary', () => {
    expect(tokenizer.decode([])).toBe('');
    expectPlugboardError(() => tokenizer.decode([1, tokenizer.vocabSize]), 'TOKENIZER_ERROR', `${tokenizer.vocabSize}`);
    expectPlugboardError(() => tokenizer.decode([1.5]), 'TOKENIZER_ERROR', '1.5');
  });

  it('reports a missing tokenizer.json as FILE_NOT_FOUND and invalid JSON as TOKENIZER_ERROR', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expectPlugboardError(() => loadTokenizer(empty), 'FILE_NOT_FOUND', 'tokenizer.json');
    writeFileSync(join(empty, 'tokenizer.json'), '{oops');
    expectPlugboardError(() => loadTokenizer(empty), 'TOKENIZER_ERROR', 'not valid JSON');
  });

  it('reports a tokenizer.json the library cannot build', () => {
    const broken = { ...(tokenizerJson as object), model: { type: 'Imaginary' } };
    expectPlugboardError(() => createTokenizer(broken), 'TOKENIZER_ERROR', 'Imaginary');
    expectPlugboardError(() => createTokenizer({ version: '1.0' }), 'TOKENIZER_ERROR', 'model');
  });

  it('reads eos/bos from the config (string or object form) and merges generation_config eos ids', () => {
    const custom = createTokenizer(
      tokenizerJson,
      { eos_token: { content: '<|endoftext|>' }, bos_token: '<|im_start|>' },
      { eos_token_id: [509, 507] },
    );
    expect(custom.eosTokenIds).toEqual([507, 509]);
    expect(custom.bosTokenId).toBe(508);
    expectPlugboardError(() => createTokenizer(tokenizerJson, { eos_token: '<nope>' }), 'TOKENIZER_ERROR', '<nope>');
  });
});
