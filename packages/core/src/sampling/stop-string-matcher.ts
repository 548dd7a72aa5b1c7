/** What became safe to show after one chunk of streamed text. */
export interface StopMatch {
  /** Text that can be emitted now; never contains (any part of) a matched stop string. */
  readonly emit: string;
  /** The stop string that appeared (generation should end), or null. */
  readonly stopped: string | null;
}

/**
 * Watches streamed text for stop strings, across chunk boundaries.
 *
 * Text that could still be the start of a stop string is held back until the
 * next chunk proves otherwise; when a stop string appears, the text before it
 * is released and everything from the stop string on is dropped. `flush()`
 * releases the held text at the end of generation. A lone high surrogate at the
 * end of a chunk is held too, so a surrogate pair is never split.
 */
export class StopStringMatcher {
  private readonly stopStrings: readonly string[];
  private held = '';
  private matched: string | null = null;

  constructor(stopStrings: readonly string[]) {
    // Empty stop strings would match everywhere; the options schema rejects them, so ignore any here.
    this.stopStrings = stopStrings.filter((s) => s.length > 0);
  }

  /** The stop string that ended the text, or null while none has appeared. */
  get stoppedBy(): string | null {
    return this.matched;
  }

  push(chunk: string): StopMatch {
    if (this.matched !== null) return { emit: '', stopped: this.matched };
    const text = this.held + chunk;
    const hit = this.earliestStop(text);
    if (hit !== null) {
      this.held = '';
      this.matched = hit.stopString;
      return { emit: text.slice(0, hit.index), stopped: hit.stopString };
    }
    const keep = this.heldSuffixLength(text);
    this.held = text.slice(text.length - keep);
    return { emit: text.slice(0, text.length - keep), stopped: null };
  }

  /** Releases the held-back text (empty once a stop string has matched). */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  /** The stop string that starts first in `text` (the longest one on a tie), if any. */
  private earliestStop(text: string): { index: number; stopString: string } | null {
    let best: { index: number; stopString: string } | null = null;
    for (const stopString of this.stopStrings) {
      const index = text.indexOf(stopString);
      if (index < 0) continue;
      if (best === null || index < best.index || (index === best.index && stopString.length > best.stopString.length)) {
        best = { index, stopString };
      }
    }
    return best;
  }

  /** Length of the longest suffix of `text` that a later chunk could complete into a stop string. */
  private heldSuffixLength(text: string): number {
    let keep = 0;
    for (const stopString of this.stopStrings) {
      for (let length = Math.min(stopString.length - 1, text.length); length > keep; length -= 1) {
        if (text.endsWith(stopString.slice(0, length))) {
          keep = length;
          break;
        }
      }
    }
    const cut = text.length - keep;
    if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) keep += 1;
    return keep;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
