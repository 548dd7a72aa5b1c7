/**
 * Which adapter computed each cached token's keys and values (null = the base
 * model, i.e. slot 0 or adapter mask 0), so a cache is never reused under an
 * adapter it was not computed with.
 *
 * - `full`: the adapter applies to every token, so only a prefix computed
 *   entirely under this same adapter is reusable.
 * - `activated`: the adapter applies from its invocation point on, so a base
 *   prefix followed by this adapter's own tokens is reusable; the base prefix
 *   is shared by every skill.
 */
export type ActivationMode = 'full' | 'activated';

export interface KvSpan {
  start: number;
  end: number;
  adapter: string | null;
}

/** Leading cached tokens still valid for generating with `adapter` in `mode`. */
export function reusablePrefix(provenance: readonly (string | null)[], adapter: string | null, mode: ActivationMode): number {
  let i = 0;
  if (mode === 'activated') while (i < provenance.length && provenance[i] === null) i++;
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
