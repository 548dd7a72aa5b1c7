/**
 * The vocabulary's token byte strings as a prefix tree, flattened in
 * preorder: node i has a byte, a depth, the index just past its subtree, and
 * the token ids ending there. Walking it with a recognizer visits each shared
 * prefix once and skips a whole subtree as soon as its prefix is rejected, so
 * a step's work follows the live branches, not the vocabulary size.
 */
export class TokenTrie {
  private constructor(
    private readonly bytes: Uint8Array,
    private readonly depth: Uint16Array,
    private readonly subtreeEnd: Int32Array,
    /** tokens of node i: tokenIds[tokenStart[i] .. tokenStart[i + 1]) */
    private readonly tokenStart: Int32Array,
    private readonly tokenIds: Int32Array,
    readonly maxDepth: number,
  ) {}

  /** `tokens[id]`: the id's bytes (one char per byte); null or '' leaves the id out. */
  static build(tokens: readonly (string | null)[]): TokenTrie {
    const entries = tokens
      .map((text, id) => ({ text, id }))
      .filter((e): e is { text: string; id: number } => e.text !== null && e.text.length > 0)
      .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.id - b.id));
    const bytes: number[] = [];
    const depth: number[] = [];
    const subtreeEnd: number[] = [];
    const nodeOfToken: number[] = [];
    const open: number[] = []; // node index per depth on the current path
    let previous = '';
    let maxDepth = 0;
    for (const { text } of entries) {
      let common = 0;
      while (common < previous.length && common < text.length && previous.charCodeAt(common) === text.charCodeAt(common)) common += 1;
      while (open.length > common) subtreeEnd[open.pop() as number] = bytes.length;
      for (let d = common; d < text.length; d += 1) {
        open.push(bytes.length);
        bytes.push(text.charCodeAt(d));
        depth.push(d + 1);
        subtreeEnd.push(0);
      }
      nodeOfToken.push(open[open.length - 1] as number);
      maxDepth = Math.max(maxDepth, text.length);
      previous = text;
    }
    while (open.length > 0) subtreeEnd[open.pop() as number] = bytes.length;
    // entries are sorted, so token nodes come in ascending node order
    const tokenStart = new Int32Array(bytes.length + 1);
    for (const node of nodeOfToken) tokenStart[node + 1] += 1;
    for (let i = 0; i < bytes.length; i += 1) tokenStart[i + 1] += tokenStart[i] as number;
    const tokenIds = Int32Array.from(entries, (e) => e.id);
    return new TokenTrie(Uint8Array.from(bytes), Uint16Array.from(depth), Int32Array.from(subtreeEnd), tokenStart, tokenIds, maxDepth);
  }

  get nodeCount(): number {
    return this.bytes.length;
  }

  /**
   * Writes into `out` the ids of every token whose bytes `step` accepts in
   * full from `start`, and returns how many. `out` must hold every token.
   */
  collect<S>(start: S, step: (state: S, byte: number) => S | null, out: Int32Array): number {
    const states: (S | null)[] = new Array(this.maxDepth + 1);
    states[0] = start;
    let count = 0;
    const { bytes, depth, subtreeEnd, tokenStart, tokenIds } = this;
    for (let i = 0; i < bytes.length; ) {
      const d = depth[i] as number;
      const next = step(states[d - 1] as S, bytes[i] as number);
      if (next === null) {
        i = subtreeEnd[i] as number;
        continue;
      }
      states[d] = next;
      for (let t = tokenStart[i] as number; t < (tokenStart[i + 1] as number); t += 1) out[count++] = tokenIds[t] as number;
      i += 1;
    }
    return count;
  }
}
