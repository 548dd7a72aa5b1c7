/**
 * Which adapter computed each cached token's keys and values (null = the base
 * model, i.e. slot 0 or adapter mask 0), so a cache is never reused under an
 * adapter it was not computed with.
 *
 * - `full`: the adapter applies to every token, so only a prefix computed
 *   entirely under this same adapter is reusable.
 * - `activated`: the adapter applies from its invocation point on (a turn's
 *   first new token, or its `adapterFrom`), and every token before that point
 *   keeps the KV it was computed with, under whichever adapter was active
 *   there (the base, or an earlier skill). A switch from skill A to skill B
 *   therefore reuses A's span as history instead of recomputing it.
 */
export type ActivationMode = 'full' | 'activated';

export interface KvSpan {
  start: number;
  end: number;
  adapter: string | null;
}

/**
 * Leading cached tokens still valid for generating with `adapter` in `mode`.
 * In activated mode that is every cached token: all of them precede the new
 * turn, hence the new adapter's invocation point (the caller guarantees the
 * token ids are unchanged).
 */
export function reusablePrefix(provenance: readonly (string | null)[], adapter: string | null, mode: ActivationMode): number {
  if (mode === 'activated') return provenance.length;
  let i = 0;
  while (i < provenance.length && provenance[i] === adapter) i++;
  return i;
}

/** Run-length view of per-token provenance. */
export function spansOf(provenance: readonly (string | null)[]): KvSpan[] {
  const spans: KvSpan[] = [];
  provenance.forEach((adapter, i) => {
    const last = spans.at(-1);
    if (last && last.adapter === adapter) last.end = i + 1;
    else spans.push({ start: i, end: i + 1, adapter });
  });
  return spans;
}
