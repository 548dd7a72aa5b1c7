import { z } from 'zod';
import { tokenize } from './tokenize.ts';

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** The persisted form: per document its token count and term frequencies; the rest is derived on load. */
export const bm25SnapshotSchema = z.object({
  version: z.literal(1),
  docs: z.array(
    z.object({
      id: z.string().min(1),
      length: z.number().int().nonnegative(),
      terms: z.record(z.string(), z.number().int().positive()),
    }),
  ),
});
export type Bm25Snapshot = z.infer<typeof bm25SnapshotSchema>;

export interface Bm25Hit {
  id: string;
  score: number;
}

interface Bm25Doc {
  length: number;
  terms: Map<string, number>;
}

/**
 * Okapi BM25 over an in-memory inverted index.
 *   score(q, d) = Σ_{t ∈ q} idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl))
 *   idf(t)      = ln(1 + (N − n_t + 0.5) / (n_t + 0.5))   (Lucene's form: never negative)
 * Query terms count once each, however often the query repeats them.
 */
export class Bm25Index {
  private readonly docs = new Map<string, Bm25Doc>();
  private readonly postings = new Map<string, Map<string, number>>();
  private totalLength = 0;

  constructor(
    readonly k1: number = BM25_K1,
    readonly b: number = BM25_B,
  ) {}

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  ids(): string[] {
    return [...this.docs.keys()];
  }

  add(id: string, text: string): void {
    const terms = new Map<string, number>();
    const tokens = tokenize(text);
    for (const token of tokens) terms.set(token, (terms.get(token) ?? 0) + 1);
    this.insert(id, { length: tokens.length, terms });
  }

  remove(id: string): void {
    const doc = this.docs.get(id);
    if (doc === undefined) return;
    for (const term of doc.terms.keys()) {
      const posting = this.postings.get(term);
      posting?.delete(id);
      if (posting?.size === 0) this.postings.delete(term);
    }
    this.totalLength -= doc.length;
    this.docs.delete(id);
  }

  idf(term: string): number {
    const n = this.postings.get(term)?.size ?? 0;
    return Math.log(1 + (this.docs.size - n + 0.5) / (n + 0.5));
  }

  /** The `limit` best-scoring documents that share at least one term with the query; ties go by id. */
  search(query: string, limit: number): Bm25Hit[] {
    if (this.docs.size === 0) return [];
    const averageLength = this.totalLength / this.docs.size;
    const scores = new Map<string, number>();
    for (const term of new Set(tokenize(query))) {
      const posting = this.postings.get(term);
      if (posting === undefined) continue;
      const idf = this.idf(term);
      for (const [id, tf] of posting) {
        const length = this.docs.get(id)?.length ?? 0;
        const norm = averageLength === 0 ? 1 : 1 - this.b + (this.b * length) / averageLength;
        scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (this.k1 + 1)) / (tf + this.k1 * norm));
      }
    }
    return [...scores]
      .map(([id, score]) => ({ id, score }))
      .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
      .slice(0, limit);
  }

  toSnapshot(): Bm25Snapshot {
    return {
      version: 1,
      docs: [...this.docs].map(([id, doc]) => ({ id, length: doc.length, terms: Object.fromEntries(doc.terms) })),
    };
  }

  static fromSnapshot(snapshot: Bm25Snapshot, k1: number = BM25_K1, b: number = BM25_B): Bm25Index {
    const index = new Bm25Index(k1, b);
    for (const doc of snapshot.docs) index.insert(doc.id, { length: doc.length, terms: new Map(Object.entries(doc.terms)) });
    return index;
  }

  private insert(id: string, doc: Bm25Doc): void {
    this.remove(id);
    this.docs.set(id, doc);
    this.totalLength += doc.length;
    for (const [term, tf] of doc.terms) {
      let posting = this.postings.get(term);
      if (posting === undefined) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(id, tf);
    }
  }
}
