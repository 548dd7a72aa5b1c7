import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { EmbeddingRouter } from './embedding-router.ts';
import { HashedWordEmbeddings } from './hashed-word-embeddings.ts';

const routes = [
  { name: 'weather', examples: ['rain forecast tomorrow', 'sunny weather today', 'snow forecast this weekend', 'cold weather tonight'] },
  { name: 'billing', examples: ['refund my payment', 'card charged twice payment', 'update billing card', 'invoice payment due'] },
  { name: 'travel', examples: ['book a flight to rome', 'hotel in rome', 'flight tickets to oslo', 'cheap hotel near airport'] },
];

describe('EmbeddingRouter', () => {
  for (const mode of ['centroid', 'knn'] as const) {
    it(`routes by cosine similarity (${mode})`, async () => {
      const router = new EmbeddingRouter(new HashedWordEmbeddings(512), { mode, k: 2 });
      await router.fit(routes);
      const decision = await router.route('weather forecast for tomorrow');
      expect(decision.route).toBe('weather');
      expect(decision.strategy).toBe('embedding');
      expect((await router.route('double payment on my card')).route).toBe('billing');
      expect((await router.route('flight to oslo and a hotel')).route).toBe('travel');
      const total = Object.values(decision.scores).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 10);
    });
  }

  it('returns null below the threshold (a text sharing no words scores evenly)', async () => {
    const router = new EmbeddingRouter(new HashedWordEmbeddings(512), { calibration: { temperature: 0.05, threshold: 0.6 } });
    await router.fit(routes);
    const decision = await router.route('quantum chromodynamics lecture');
    expect(decision.route).toBeNull();
    expect(decision.confidence).toBeCloseTo(1 / 3, 6);
  });

  it('uses the embedder it is given (documents at fit, the query at route)', async () => {
    const seen: string[] = [];
    const base = new HashedWordEmbeddings(64);
    const router = new EmbeddingRouter({
      embedDocuments: async (texts) => {
        seen.push(`docs:${texts.length}`);
        return base.embedDocuments(texts);
      },
      embedQuery: async (text) => {
        seen.push(`query:${text}`);
        return base.embedQuery(text);
      },
    });
    await router.fit(routes);
    await router.route('hello');
    expect(seen).toEqual(['docs:12', 'query:hello']);
  });

  it('fails clearly before fit and for a bad k', async () => {
    await expect(new EmbeddingRouter(new HashedWordEmbeddings()).route('x')).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'ROUTER_NOT_FITTED'));
    expect(() => new EmbeddingRouter(new HashedWordEmbeddings(), { k: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
