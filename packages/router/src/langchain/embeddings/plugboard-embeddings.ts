import { Embeddings } from '@langchain/core/embeddings';
import type { EmbeddingsParams } from '@langchain/core/embeddings';
import { PlugboardError } from '@plugboard/core';
import type { Model } from '@plugboard/core';

export interface PlugboardEmbeddingsFields extends EmbeddingsParams {
  /** a model loaded with `hiddenStates: true` */
  model: Pick<Model, 'embed'>;
  /** resident adapter slot to embed with (default 0, the base model) */
  adapterSlot?: number;
  /** texts per forward run (default 16) */
  batchSize?: number;
}

/**
 * LangChain embeddings over `model.embed()`: mean-pooled, L2-normalized last
 * hidden states, one vector of the model's hidden size per text, in input
 * order. Documents go `batchSize` texts per forward run.
 */
export class PlugboardEmbeddings extends Embeddings {
  private readonly model: Pick<Model, 'embed'>;
  private readonly adapterSlot: number;
  private readonly batchSize: number;

  constructor(fields: PlugboardEmbeddingsFields) {
    const { model, adapterSlot = 0, batchSize = 16, ...rest } = fields;
    super(rest);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new PlugboardError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(adapterSlot) || adapterSlot < 0) throw new PlugboardError('INVALID_ARGUMENT', `adapterSlot must be a resident slot index (0 = base model), got ${adapterSlot}`);
    this.model = model;
    this.adapterSlot = adapterSlot;
    this.batchSize = batchSize;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const bad = documents.findIndex((document) => typeof document !== 'string');
    if (bad >= 0) throw new PlugboardError('INVALID_ARGUMENT', `document ${bad} is ${typeof documents[bad]}, not a string; embed the text of each document`);
    const vectors: number[][] = [];
    for (let start = 0; start < documents.length; start += this.batchSize) {
      const batch = documents.slice(start, start + this.batchSize);
      const embedded = await this.caller.call(() => this.model.embed(batch, { adapterSlot: this.adapterSlot }));
      for (const vector of embedded) vectors.push(Array.from(vector));
    }
    return vectors;
  }

  async embedQuery(document: string): Promise<number[]> {
    const [vector] = await this.embedDocuments([document]);
    return vector as number[];
  }
}
