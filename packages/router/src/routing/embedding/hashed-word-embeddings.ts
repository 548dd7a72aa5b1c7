import type { Embedder } from './embedder.ts';
import { words } from '../linear/normalize-text.ts';
import { fnv1a } from '@plugboard/core';

/**
 * A deterministic, model-free embedder: each normalized word is hashed (FNV-1a) to a
 * signed bucket. Good for tests and as a no-download baseline; it knows no synonyms.
 */
export class HashedWordEmbeddings implements Embedder {
  constructor(readonly dimension = 256) {}

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embed(text));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }

  private embed(text: string): number[] {
    const vector = new Array<number>(this.dimension).fill(0);
    for (const word of words(text)) {
      const hash = fnv1a(word);
      vector[hash % this.dimension] += hash & 0x80000000 ? -1 : 1;
    }
    return vector;
  }
}
