import type * as lancedb from '@lancedb/lancedb';

type RecordBatch = Parameters<lancedb.rerankers.Reranker['rerankHybrid']>[1];

/** Where one row stood in each retriever's list, 1-based; null where that retriever did not return it. */
export interface RetrieverRanks {
  vectorRank: number | null;
  fullTextRank: number | null;
}

/**
 * LanceDB's hybrid query hands both result lists to a reranker and returns only the fused one.
 * This reranker passes them on to LanceDB's own RRF unchanged and keeps, per row id, the rank
 * each list gave it, so a search can say why a chunk was found. (Not the lists' scores: LanceDB
 * min-max normalizes those per query before reranking, so they do not compare across queries.)
 * One per query.
 */
export class RankRecordingReranker implements lancedb.rerankers.Reranker {
  readonly ranks = new Map<bigint, RetrieverRanks>();

  constructor(private readonly fusion: lancedb.rerankers.Reranker) {}

  rerankHybrid(query: string, vecResults: RecordBatch, ftsResults: RecordBatch): Promise<RecordBatch> {
    this.record(vecResults, 'vectorRank');
    this.record(ftsResults, 'fullTextRank');
    return this.fusion.rerankHybrid(query, vecResults, ftsResults);
  }

  private record(batch: RecordBatch, key: keyof RetrieverRanks): void {
    const rowIds = batch.getChild('_rowid');
    if (rowIds === null) return;
    for (let i = 0; i < batch.numRows; i++) {
      const rowId = BigInt(rowIds.get(i) as bigint | number);
      const entry = this.ranks.get(rowId) ?? { vectorRank: null, fullTextRank: null };
      entry[key] = i + 1;
      this.ranks.set(rowId, entry);
    }
  }
}
