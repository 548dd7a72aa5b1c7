/** The constant from Cormack et al. 2009: damps the weight of the very top ranks. */
export const RRF_K = 60;

export interface FusedItem {
  id: string;
  /** Σ over the rankings that contain the item of 1 / (k + rank). */
  score: number;
  /** The item's 1-based rank in each input ranking, or null where it is absent. */
  ranks: (number | null)[];
}

/**
 * Reciprocal-rank fusion of several rankings (ids, best first). Ties on score
 * are broken by the best single rank, then by id, so the output is deterministic.
 */
export function reciprocalRankFusion(rankings: readonly (readonly string[])[], k: number = RRF_K): FusedItem[] {
  const fused = new Map<string, FusedItem>();
  rankings.forEach((ranking, list) => {
    ranking.forEach((id, position) => {
      let item = fused.get(id);
      if (item === undefined) {
        item = { id, score: 0, ranks: rankings.map(() => null) };
        fused.set(id, item);
      }
      // A ranking that repeats an id counts it once, at its best rank.
      if (item.ranks[list] !== null) return;
      item.ranks[list] = position + 1;
      item.score += 1 / (k + position + 1);
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || bestRank(a) - bestRank(b) || compareIds(a.id, b.id));
}

function bestRank(item: FusedItem): number {
  return Math.min(...item.ranks.map((rank) => rank ?? Number.POSITIVE_INFINITY));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
