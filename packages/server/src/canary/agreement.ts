import type { SkillResult } from '@plugboard/router';

/** How a shadow run compares with the primary it shadowed. */
export interface Agreement {
  /** both made the same tool calls (names and arguments), or both made none */
  sameToolCalls: boolean;
  /** whether the shadow's text parses as JSON (null when the primary's did not either: not a JSON step) */
  shadowValidJson: boolean | null;
  /** character-bigram Dice similarity of the visible texts, 0..1 */
  textSimilarity: number;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const gram = text.slice(i, i + 2);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Dice coefficient over character bigrams: 1 for equal texts, 0 for nothing in common. */
export function textSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const ga = bigrams(a);
  const gb = bigrams(b);
  let shared = 0;
  for (const [gram, count] of ga) shared += Math.min(count, gb.get(gram) ?? 0);
  const total = Math.max(a.length - 1, 0) + Math.max(b.length - 1, 0);
  return total === 0 ? 0 : (2 * shared) / total;
}

export function agreementOf(primary: SkillResult, shadow: SkillResult): Agreement {
  const calls = (r: SkillResult) => JSON.stringify(r.toolCalls.map((c) => [c.name, c.args]));
  return {
    sameToolCalls: calls(primary) === calls(shadow),
    shadowValidJson: parsesAsJson(primary.text) ? parsesAsJson(shadow.text) : null,
    textSimilarity: textSimilarity(primary.text, shadow.text),
  };
}
