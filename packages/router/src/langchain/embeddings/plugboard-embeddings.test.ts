import { describe, expect, it } from 'vitest';
import { useAgentFixture } from '../../agent/testing/use-agent-fixture.ts';
import { PlugboardEmbeddings } from './plugboard-embeddings.ts';

const handle = useAgentFixture('embeddings');

/** The fixture model's embed(), recording the size of every forward run. */
function countingModel() {
  const runs: number[] = [];
  const model = {
    embed: (texts: string[], options?: { adapterSlot?: number }) => {
      runs.push(texts.length);
      return handle.fixture.model.embed(texts, options);
    },
  };
  return { runs, model };
}

const DOCS = ['rennet curdles milk', 'black holes', 'sourdough starter', 'tidal locking', 'rennet curdles milk'];

describe('PlugboardEmbeddings', () => {
  it('embeds documents and queries with model.embed (unit vectors of the hidden size, the same text the same vector)', async () => {
    const embeddings = new PlugboardEmbeddings({ model: handle.fixture.model, batchSize: 2 });
    const docs = await embeddings.embedDocuments(DOCS);
    expect(docs).toHaveLength(DOCS.length);
    for (const vector of docs) {
      expect(vector).toHaveLength(handle.fixture.model.config.hiddenSize);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    expect(docs[4]).toEqual(docs[0]);
    expect(docs[1]).not.toEqual(docs[0]);
    expect(await embeddings.embedQuery('black holes')).toEqual(docs[1]);
  });

  it('runs batchSize texts per forward pass and keeps the input order', async () => {
    const { runs, model } = countingModel();
    const batched = await new PlugboardEmbeddings({ model, batchSize: 2 }).embedDocuments(DOCS);
    expect(runs).toEqual([2, 2, 1]);
    // the independent path: each text alone, in a run of its own
    const one = new PlugboardEmbeddings({ model: handle.fixture.model, batchSize: 1 });
    const alone = await Promise.all(DOCS.map((doc) => one.embedQuery(doc)));
    batched.forEach((vector, i) => vector.forEach((x, j) => expect(x).toBeCloseTo(alone[i]?.[j] as number, 5)));
    runs.length = 0;
    await new PlugboardEmbeddings({ model }).embedDocuments(DOCS);
    expect(runs).toEqual([5]);
  });

  it('returns no vectors and runs nothing for no documents', async () => {
    const { runs, model } = countingModel();
    expect(await new PlugboardEmbeddings({ model }).embedDocuments([])).toEqual([]);
    expect(runs).toEqual([]);
  });

  it('rejects bad settings and non-text documents with INVALID_ARGUMENT', async () => {
    const model = handle.fixture.model;
    expect(() => new PlugboardEmbeddings({ model, batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new PlugboardEmbeddings({ model, batchSize: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new PlugboardEmbeddings({ model, adapterSlot: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const { runs, model: counting } = countingModel();
    await expect(new PlugboardEmbeddings({ model: counting }).embedDocuments(['fine', 3 as unknown as string])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('document 1') });
    expect(runs).toEqual([]);
  });
});
