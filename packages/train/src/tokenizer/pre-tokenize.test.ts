import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { BYTE_TOKENS_IN_VOCAB_ORDER, toByteLevel } from './byte-level.ts';
import { PRE_TOKENIZER_NAMES, preTokenize } from './pre-tokenize.ts';
import { createRng, randomUnicodeString } from './seeded-text.ts';
import { buildTokenizerJson } from './tokenizer-json.ts';

const SAMPLES = [
  "Hello  world's   DON'T 123\n\n  x\tü",
  "I'm sure they'LL say we'd've been fine",
  'x = f(a, b) -> {"k": [1, 2]};\r\n\r\n\tindented',
  '  leading and trailing   ',
  'naïve café, e\u0301 (decomposed), 日本語のテキスト, 🙂👍🏽',
  '\u00a0no-break\u2028line-sep\u0085nel\ufeffbom',
  '',
];

describe('preTokenize', () => {
  it('splits like Qwen2 (hand-checked example)', () => {
    expect(preTokenize("Hi  there's 42!\n\nok")).toEqual(['Hi', ' ', ' there', "'s", ' ', '4', '2', '!\n\n', 'ok']);
  });

  it.each(PRE_TOKENIZER_NAMES)('agrees with the %s pre-tokenizer @huggingface/tokenizers builds from our tokenizer.json', (split) => {
    const loaded = new Tokenizer(buildTokenizerJson(BYTE_TOKENS_IN_VOCAB_ORDER, [], [], split), {});
    const reference = (text: string): string[] => loaded.pre_tokenizer.pre_tokenize(text);
    const rng = createRng(11);
    const texts = [...SAMPLES, ...Array.from({ length: 300 }, () => randomUnicodeString(rng, 1 + Math.floor(rng() * 40)))];
    for (const text of texts) expect(preTokenize(text, split).map(toByteLevel), JSON.stringify(text)).toEqual(reference(text));
  });

  it('words: a word is the same piece after a space, a quote or a newline (what copying into JSON needs)', () => {
    expect(preTokenize('trip to Dublin', 'words')).toEqual(['trip', ' ', 'to', ' ', 'Dublin']);
    expect(preTokenize('{"city":"Dublin"}', 'words')).toEqual(['{"', 'city', '":"', 'Dublin', '"}']);
    expect(preTokenize("it's\nDublin 42", 'words')).toEqual(['it', "'s", '\n', 'Dublin', ' ', '4', '2']);
    // Qwen2's split glues the space to the word, while in JSON it stands bare
    expect(preTokenize('to Dublin', 'qwen2')).toEqual(['to', ' Dublin']);
    expect(preTokenize('{"city":"Dublin"}', 'qwen2')).toEqual(['{"', 'city', '":"', 'Dublin', '"}']);
  });

  it('trailing-space: words follow each other directly, and a word starts with the same piece in prose and in JSON', () => {
    expect(preTokenize('trip to Dublin', 'trailing-space')).toEqual(['trip ', 'to ', 'Dublin']);
    expect(preTokenize('{"city": "Dublin Bay"}', 'trailing-space')).toEqual(['{"', 'city', '": ', '"', 'Dublin ', 'Bay', '"}']);
    expect(preTokenize("it's 42, ok\n\nDublin  now", 'trailing-space')).toEqual(['it', "'s ", '4', '2', ', ', 'ok', '\n\n', 'Dublin ', ' ', 'now']);
  });

  it.each(PRE_TOKENIZER_NAMES)('%s loses nothing: the pieces concatenate to the input', (split) => {
    const rng = createRng(5);
    for (let i = 0; i < 200; i++) {
      const text = randomUnicodeString(rng, 60);
      expect(preTokenize(text, split).join('')).toBe(text);
    }
  });
});
