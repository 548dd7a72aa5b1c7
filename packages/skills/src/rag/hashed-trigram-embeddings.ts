import { Embeddings } from '@langchain/core/embeddings';
import { tokenize } from './tokenize.ts';
import { fnv1a } from '@plugboard/core';

export interface HashedTrigramEmbeddingsOptions {
  /** Vector length. */
  dimension?: number;
  /** Weight of each character trigram relative to a whole word (words weigh 1). */
  trigramWeight?: number;
}

/**
 * The no-model fallback embedder: deterministic and lexical, not semantic. Every word and every
 * character trigram of every word (padded with spaces, so "swim" and "swimming" share features)
 * is hashed (FNV-1a) to a signed bucket; the vector is L2-normalized. It matches spellings, not
 * meanings ("car" and "automobile" share nothing); with a model loaded, use PlugboardEmbeddings.
 * It counts its calls so tests can check what was (re-)embedded.
 */
export class HashedTrigramEmbeddings extends Embeddings {
  readonly dimension: number;
  private readonly trigramWeight: number;
  /** Calls of `embedDocuments`, and how many texts they embedded in all. */
  documentCalls = 0;
  embeddedDocuments = 0;
  queryCalls = 0;

  constructor(options: HashedTrigramEmbeddingsOptions = {}) {
    super({});
    this.dimension = options.dimension ?? 512;
    this.trigramWeight = options.trigramWeight ?? 0.5;
  }

  /** What an index records as its embedder: the features and their weights, which fix what a vector means. */
  get embedderId(): string {
    return `hashed-trigram-v1:d${this.dimension}:w${this.trigramWeight}`;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    this.documentCalls += 1;
    this.embeddedDocuments += documents.length;
    return documents.map((document) => this.embed(document));
  }

  async embedQuery(document: string): Promise<number[]> {
    this.queryCalls += 1;
    return this.embed(document);
  }

  resetCounts(): void {
    this.documentCalls = 0;
    this.embeddedDocuments = 0;
    this.queryCalls = 0;
  }

  private embed(text: string): number[] {
    const vector = new Array<number>(this.dimension).fill(0);
    for (const word of tokenize(text)) {
      this.addFeature(vector, `w:${word}`, 1);
      const padded = ` ${word} `;
      for (let at = 0; at + 3 <= padded.length; at++) this.addFeature(vector, `t:${padded.slice(at, at + 3)}`, this.trigramWeight);
    }
    const norm = Math.hypot(...vector);
    // A text without words still gets a unit vector, so cosine distances stay defined.
    if (norm === 0) return vector.map((_, i) => (i === 0 ? 1 : 0));
    return vector.map((value) => value / norm);
  }

  private addFeature(vector: number[], feature: string, weight: number): void {
    const hash = fnv1a(feature);
    vector[hash % this.dimension] += hash & 0x80000000 ? -weight : weight;
  }
}
