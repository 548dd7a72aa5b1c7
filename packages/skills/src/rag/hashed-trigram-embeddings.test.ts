import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { HashedTrigramEmbeddings } from './hashed-trigram-embeddings.ts';

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i], 0);
}

describe('HashedTrigramEmbeddings', () => {
  it('is a LangChain Embeddings giving deterministic unit vectors', async () => {
    const embeddings = new HashedTrigramEmbeddings({ dimension: 64 });
    expect(embeddings).toBeInstanceOf(Embeddings);
    const [a, b] = await embeddings.embedDocuments(['Swimming in the lake', 'Swimming in the lake']);
    expect(a).toHaveLength(64);
    expect(a).toEqual(b);
    expect(Math.hypot(...a)).toBeCloseTo(1, 12);
    expect(await new HashedTrigramEmbeddings({ dimension: 64 }).embedQuery('Swimming in the lake')).toEqual(a);
  });

  it('places texts sharing word stems closer than unrelated texts', async () => {
    const embeddings = new HashedTrigramEmbeddings();
    const [doc, related, unrelated] = await embeddings.embedDocuments(['swimmers swim in cold lakes', 'swimming in a lake', 'compiling rust programs']);
    expect(cosine(doc, related)).toBeGreaterThan(cosine(doc, unrelated) + 0.2);
  });

  it('gives text without words a unit vector and counts its calls', async () => {
    const embeddings = new HashedTrigramEmbeddings({ dimension: 8 });
    expect(await embeddings.embedQuery('?!')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    await embeddings.embedDocuments(['a', 'b', 'c']);
    expect([embeddings.documentCalls, embeddings.embeddedDocuments, embeddings.queryCalls]).toEqual([1, 3, 1]);
    embeddings.resetCounts();
    expect([embeddings.documentCalls, embeddings.embeddedDocuments, embeddings.queryCalls]).toEqual([0, 0, 0]);
  });
});
