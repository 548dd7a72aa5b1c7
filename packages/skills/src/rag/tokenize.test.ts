import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';

describe('tokenize', () => {
  it('lowercases and splits on anything that is not a letter, mark or digit', () => {
    expect(tokenize("Hello, World! It's 2024 — naïve café")).toEqual(['hello', 'world', 'it', 's', '2024', 'naïve', 'café']);
  });

  it('handles non-Latin scripts and full-width forms', () => {
    expect(tokenize('Привет мир ＡＢＣ')).toEqual(['привет', 'мир', 'abc']);
  });

  it('returns nothing for text without words', () => {
    expect(tokenize(' ... !? ')).toEqual([]);
  });
});
