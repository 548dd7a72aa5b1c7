import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { runTokenizerTrain } from './run-tokenizer-train.ts';
import { generateCorpus } from './seeded-text.ts';
import { specialTokensMapSchema, tokenizerConfigJsonSchema } from './tokenizer-config.ts';
import { tokenizerJsonSchema } from './tokenizer-json.ts';

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('runTokenizerTrain', () => {
  it('trains on input files and writes a folder @huggingface/tokenizers loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenizer-train-'));
    const inputs = [join(dir, 'a.txt'), join(dir, 'b.txt')];
    writeFileSync(inputs[0], generateCorpus({ seed: 1, bytes: 30_000 }));
    writeFileSync(inputs[1], generateCorpus({ seed: 2, bytes: 30_000 }));
    const out = join(dir, 'nested', 'tokenizer');

    const report = runTokenizerTrain({ input: inputs, vocab: 512, out });

    expect(report.files).toEqual(['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'].map((f) => join(out, f)));
    expect(report.stats.vocabSize).toBe(512);
    const tokenizer = new Tokenizer(
      tokenizerJsonSchema.parse(readJson(report.files[0])),
      tokenizerConfigJsonSchema.parse(readJson(report.files[1])),
    );
    const text = '<|im_start|>assistant\nThe answer is 42.<|im_end|>';
    expect(tokenizer.decode(tokenizer.encode(text).ids)).toBe(text);
    expect(specialTokensMapSchema.parse(readJson(report.files[2]))).toMatchObject({ eos_token: '<|im_end|>' });
  });

  it('rejects missing inputs and bad arguments with codes', () => {
    const out = mkdtempSync(join(tmpdir(), 'tokenizer-train-'));
    expect(() => runTokenizerTrain({ input: ['/no/such/file.txt'], vocab: 512, out })).toThrow(
      expect.objectContaining({ code: 'FILE_NOT_FOUND' }),
    );
    expect(() => runTokenizerTrain({ input: [], vocab: 512, out })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => runTokenizerTrain({ input: ['x.txt'], vocab: 100, out })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
