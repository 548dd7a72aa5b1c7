import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { createRng, generateCorpus, randomUnicodeString } from './seeded-text.ts';
import { DEFAULT_SPECIAL_TOKENS } from './special-tokens.ts';
import { trainBpeTokenizer } from './train-bpe-tokenizer.ts';
import type { TrainedTokenizer } from './train-bpe-tokenizer.ts';
import { tokenizerConfigJsonSchema } from './tokenizer-config.ts';
import { tokenizerJsonSchema } from './tokenizer-json.ts';

const VOCAB_SIZE = 1024;
const corpus = generateCorpus({ seed: 1, bytes: 200_000 });
const trained = trainBpeTokenizer({ texts: [corpus], vocabSize: VOCAB_SIZE });

/** Loads the trained files the way any consumer would: through JSON text. */
function loadWithHuggingFace(result: TrainedTokenizer): Tokenizer {
  return new Tokenizer(JSON.parse(JSON.stringify(result.tokenizerJson)), JSON.parse(JSON.stringify(result.tokenizerConfig)));
}

const tokenizer = loadWithHuggingFace(trained);

function roundTrip(text: string): string {
  return tokenizer.decode(tokenizer.encode(text).ids);
}

describe('trainBpeTokenizer', () => {
  it('fills the requested vocabulary: 256 bytes + merges + special tokens', () => {
    const { stats, tokenizerJson } = trained;
    expect(stats.vocabSize).toBe(VOCAB_SIZE);
    expect(stats.merges).toBe(VOCAB_SIZE - 256 - DEFAULT_SPECIAL_TOKENS.length);
    expect(stats.stopReason).toBe('vocab-size-reached');
    expect(Object.keys(tokenizerJson.model.vocab)).toHaveLength(VOCAB_SIZE - DEFAULT_SPECIAL_TOKENS.length);
    expect(tokenizer.get_vocab(true).size).toBe(VOCAB_SIZE);
    expect(stats.corpusBytes).toBe(Buffer.byteLength(corpus));
  });

  it('writes files that match their schemas', () => {
    expect(tokenizerJsonSchema.parse(trained.tokenizerJson)).toEqual(trained.tokenizerJson);
    expect(tokenizerConfigJsonSchema.parse(trained.tokenizerConfig)).toEqual(trained.tokenizerConfig);
  });

  it.each([
    ['ASCII', 'The quick brown fox jumps over the lazy dog. 1234567890 !@#$%^&*()'],
    ['accents', 'Déjà vu, naïve café, Ærøskøbing, São Paulo, Đặng'],
    ['CJK', '日本語のテキストと中文文本和한국어 텍스트'],
    ['emoji', 'ok 🙂👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵'],
    ['combining marks', 'e\u0301 a\u0308\u0323 Z\u0351\u0362\u0327a\u0310l\u0315go'],
    ['whitespace', '\ta  b   c\n\n\r\n \t \n    indented\u00a0\u2028\u3000end  '],
    ['contractions', "I'm sure they'LL say we'd've been fine"],
    ['leading and trailing spaces', '   spaced out   '],
    ['byte order mark', '\ufeffstarts with a BOM'],
  ])('decode(encode(text)) is the identity on %s', (_name, text) => {
    expect(roundTrip(text)).toBe(text);
  });

  it('decode(encode(text)) is the identity on random valid UTF-8', () => {
    const rng = createRng(42);
    for (let i = 0; i < 300; i++) {
      const text = randomUnicodeString(rng, 1 + Math.floor(rng() * 50));
      expect(roundTrip(text), JSON.stringify(text)).toBe(text);
    }
  });

  it('compresses held-out text of the same language well below one token per byte', () => {
    const heldOut = generateCorpus({ seed: 999, bytes: 20_000 });
    const tokens = tokenizer.encode(heldOut).ids.length;
    expect(tokens / Buffer.byteLength(heldOut)).toBeLessThan(0.4);
    expect(roundTrip(heldOut)).toBe(heldOut);
  });

  it('learns the hand-computed merges of a tiny corpus, and the loaded tokenizer applies them', () => {
    const words = { hug: 10, pug: 5, pun: 12, bun: 4, hugs: 5 };
    const texts = Object.entries(words).flatMap(([word, count]) => Array<string>(count).fill(word));
    const tiny = trainBpeTokenizer({ texts, vocabSize: 256 + 7 + DEFAULT_SPECIAL_TOKENS.length, minFrequency: 1 });
    expect(tiny.tokenizerJson.model.merges).toEqual(['u g', 'u n', 'h ug', 'p un', 'hug s', 'p ug', 'b un']);
    expect(tiny.tokenizerJson.model.vocab.bun).toBe(262);
    expect(tiny.tokenizerJson.added_tokens[0]).toMatchObject({ id: 263, content: '<|endoftext|>', special: true });
    const loaded = loadWithHuggingFace(tiny);
    expect(loaded.tokenize('hugs pun bug')).toEqual(['hugs', 'Ġ', 'pun', 'Ġ', 'b', 'ug']);
  });

  it('encodes a pre-token the way the learned merges say', () => {
    // The most frequent word of the corpus is surely one token, with its leading space.
    const counts = new Map<string, number>();
    for (const word of corpus.split(/[^a-z]+/)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const [top] = [...counts].filter(([word]) => word.length > 0).sort((a, b) => b[1] - a[1])[0];
    expect(tokenizer.tokenize(` ${top}`)).toEqual([`Ġ${top}`]);
  });

  it('is deterministic: the same corpus gives the identical tokenizer.json', () => {
    const again = trainBpeTokenizer({ texts: [corpus], vocabSize: VOCAB_SIZE });
    expect(JSON.stringify(again.tokenizerJson)).toBe(JSON.stringify(trained.tokenizerJson));
    // Word order does not matter either: counts are what training sees.
    const lines = corpus.split('\n\n');
    const shuffled = trainBpeTokenizer({ texts: [...lines].reverse(), vocabSize: 300 });
    const inOrder = trainBpeTokenizer({ texts: lines, vocabSize: 300 });
    expect(shuffled.tokenizerJson.model.merges).toEqual(inOrder.tokenizerJson.model.merges);
  });

  it('encodes each special token to its single id, never split, and decodes it back (tool tags survive skipping)', () => {
    const text = '<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{"name": "add"}\n</tool_call><|im_end|><|endoftext|>';
    const { ids, tokens } = tokenizer.encode(text);
    for (const special of DEFAULT_SPECIAL_TOKENS) {
      const id = tokenizer.token_to_id(special);
      expect(id).toBeGreaterThanOrEqual(VOCAB_SIZE - DEFAULT_SPECIAL_TOKENS.length);
      expect(tokenizer.encode(special).ids).toEqual([id]);
    }
    expect(tokens.filter((token: string) => token === '<|im_start|>')).toHaveLength(2);
    expect(tokens.some((token: string) => token !== '<|im_start|>' && token.includes('im_start'))).toBe(false);
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe(
      'user\nWhat is 2+2?\nassistant\n<tool_call>\n{"name": "add"}\n</tool_call>',
    );
  });

  it('learns no merge across or inside special tokens in the corpus', () => {
    const chatty = Array.from({ length: 200 }, () => '<|im_start|>user\nhello<|im_end|>\n').join('');
    const result = trainBpeTokenizer({ texts: [chatty], vocabSize: 400 });
    const learned = Object.entries(result.tokenizerJson.model.vocab)
      .filter(([, id]) => id >= 256)
      .map(([token]) => token);
    expect(learned.length).toBeGreaterThan(5);
    expect(learned.some((token: string) => token.includes('|') || token.includes('im_'))).toBe(false);
    expect(learned).toContain('hello');
  });

  it('honours custom special tokens', () => {
    const result = trainBpeTokenizer({ texts: ['some text <sep> more text'], vocabSize: 270, specialTokens: ['<sep>'] });
    expect(result.tokenizerJson.added_tokens.map((token) => token.content)).toEqual(['<sep>']);
    const custom = loadWithHuggingFace(result);
    expect(custom.encode('a<sep>b').tokens).toEqual(['a', '<sep>', 'b']);
  });

  it('stops early when no pair is frequent enough, and says so', () => {
    const result = trainBpeTokenizer({ texts: ['abab abab'], vocabSize: 5000, minFrequency: 2 });
    expect(result.stats.stopReason).toBe('no-frequent-pair-left');
    expect(result.stats.vocabSize).toBeLessThan(5000);
    expect(result.stats.vocabSize).toBe(256 + result.stats.merges + DEFAULT_SPECIAL_TOKENS.length);
  });

  it('reports progress towards the number of tokens to learn', () => {
    const seen: [number, number][] = [];
    trainBpeTokenizer({ texts: [corpus.slice(0, 5000)], vocabSize: 300, onProgress: (p) => seen.push([p.merges, p.total]) });
    const total = 300 - 256 - DEFAULT_SPECIAL_TOKENS.length;
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => [i + 1, total]));
  });

  it('reads corpus files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpe-corpus-'));
    const file = join(dir, 'corpus.txt');
    writeFileSync(file, corpus);
    const fromFile = trainBpeTokenizer({ files: [file], vocabSize: VOCAB_SIZE });
    expect(fromFile.tokenizerJson).toEqual(trained.tokenizerJson);
  });

  describe('errors', () => {
    const code = (value: string): unknown => expect.objectContaining({ code: value });

    it('FILE_NOT_FOUND for a missing input file', () => {
      expect(() => trainBpeTokenizer({ files: ['/no/such/corpus.txt'], vocabSize: 300 })).toThrow(code('FILE_NOT_FOUND'));
    });

    it('DATA_INVALID for a file that is not UTF-8', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'bpe-corpus-')), 'latin1.txt');
      writeFileSync(file, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff]));
      expect(() => trainBpeTokenizer({ files: [file], vocabSize: 300 })).toThrow(code('DATA_INVALID'));
    });

    it('INVALID_ARGUMENT for a folder given as a file', () => {
      expect(() => trainBpeTokenizer({ files: [tmpdir()], vocabSize: 300 })).toThrow(code('INVALID_ARGUMENT'));
    });

    it('INVALID_ARGUMENT when the vocabulary cannot hold the bytes and special tokens', () => {
      const smallest = 256 + DEFAULT_SPECIAL_TOKENS.length;
      expect(() => trainBpeTokenizer({ texts: ['text'], vocabSize: smallest - 1 })).toThrow(code('INVALID_ARGUMENT'));
      expect(trainBpeTokenizer({ texts: ['text'], vocabSize: smallest }).stats.merges).toBe(0);
    });

    it('DATA_INVALID for an empty corpus', () => {
      expect(() => trainBpeTokenizer({ texts: [], vocabSize: 300 })).toThrow(code('DATA_INVALID'));
      expect(() => trainBpeTokenizer({ texts: ['', '<|im_end|>'], vocabSize: 300 })).toThrow(code('DATA_INVALID'));
      const empty = join(mkdtempSync(join(tmpdir(), 'bpe-corpus-')), 'empty.txt');
      writeFileSync(empty, '');
      expect(() => trainBpeTokenizer({ files: [empty], vocabSize: 300 })).toThrow(code('DATA_INVALID'));
    });

    it('INVALID_ARGUMENT for bad options', () => {
      expect(() => trainBpeTokenizer({ vocabSize: 300 })).toThrow(code('INVALID_ARGUMENT'));
      expect(() => trainBpeTokenizer({ texts: ['x'], vocabSize: 300.5 })).toThrow(code('INVALID_ARGUMENT'));
      expect(() => trainBpeTokenizer({ texts: ['x'], vocabSize: 300, minFrequency: 0 })).toThrow(code('INVALID_ARGUMENT'));
      expect(() => trainBpeTokenizer({ texts: ['x'], vocabSize: 300, specialTokens: ['<a>', '<a>'] })).toThrow(
        code('INVALID_ARGUMENT'),
      );
    });
  });
});
