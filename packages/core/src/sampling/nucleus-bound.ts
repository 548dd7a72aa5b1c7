/** Histogram resolution: bins are 1/4 wide in (logit − max)/T, covering 48 below the max. */
const BINS_PER_UNIT = 4;
const BIN_COUNT = 48 * BINS_PER_UNIT;

export interface NucleusBound {
  /** Σ exp((logit − max)/T) over the whole row (NaN logits skipped). */
  readonly normalizer: number;
  /** Every token of the top-p nucleus has (logit − max)/T ≥ threshold; −Infinity when no bound was found. */
  readonly threshold: number;
}

/**
 * One pass over the row that yields the softmax normalizer and, from a
 * histogram of the probability mass by score, a score threshold close above
 * which the top-p nucleus must lie. Collecting only the tokens above it keeps
 * the set that has to be sorted small, instead of sorting the vocabulary.
 */
export function nucleusBound(logits: Float32Array, maxLogit: number, temperature: number, topP: number): NucleusBound {
  const bins = new Float64Array(BIN_COUNT);
  const lastBin = BIN_COUNT - 1;
  const binsPerLogit = BINS_PER_UNIT / temperature;
  const inverseTemperature = 1 / temperature;
  let normalizer = 0;
  for (let id = 0; id < logits.length; id += 1) {
    const gap = maxLogit - logits[id];
    // `gap >= 0` is false for NaN logits, which carry no probability.
    if (!(gap >= 0)) continue;
    const weight = Math.exp(-gap * inverseTemperature);
    normalizer += weight;
    const bin = gap * binsPerLogit;
    bins[bin < lastBin ? Math.trunc(bin) : lastBin] += weight;
  }
  const target = topP * normalizer;
  let mass = 0;
  for (let bin = 0; bin < lastBin; bin += 1) {
    mass += bins[bin];
    // One bin of margin absorbs tokens that rounding put on the other side of a bin edge.
    if (mass >= target) return { normalizer, threshold: bin + 2 > lastBin ? -Infinity : -(bin + 2) / BINS_PER_UNIT };
  }
  return { normalizer, threshold: -Infinity };
}
