import type { PackedRow } from './token-batch.ts';
import type { TokenizedExample } from './tokenize-example.ts';

/**
 * Packs examples, in order, into rows of exactly `sequence + 1` tokens (the
 * extra token is the last position's target): an example goes into the
 * current row when it fits, else starts a new one; examples longer than a
 * row are truncated. Rows end with padding (id `padId`, weight 0). Each
 * example is its own segment: the training graph masks attention across
 * segments, so a packed example sees only its own tokens, as if alone (rotary
 * attention depends only on relative positions, so its offset in the row
 * changes nothing).
 */
export function packExamples(examples: readonly TokenizedExample[], sequence: number, padId = 0): PackedRow[] {
  const width = sequence + 1;
  const rows: PackedRow[] = [];
  const empty = (): Required<PackedRow> => ({ tokens: [], weights: [], segments: [] });
  let current = empty();
  let segment = 0;
  const flush = () => {
    if (current.tokens.length === 0) return;
    const missing = width - current.tokens.length;
    current.tokens.push(...Array.from({ length: missing }, () => padId));
    current.weights.push(...Array.from({ length: missing }, () => 0));
    current.segments.push(...Array.from({ length: missing }, () => segment));
    rows.push(current);
    current = empty();
    segment = 0;
  };
  for (const example of examples) {
    const tokens = example.tokens.slice(0, width);
    const weights = example.weights.slice(0, width);
    if (current.tokens.length + tokens.length > width) flush();
    current.tokens.push(...tokens);
    current.weights.push(...weights);
    current.segments.push(...tokens.map(() => segment));
    segment += 1;
  }
  flush();
  return rows;
}

/** Learned tokens of a row that the loss can see: position 0 is never a target. */
export function learnedTokens(row: PackedRow): number {
  return row.weights.slice(1).reduce((a, b) => a + b, 0);
}
