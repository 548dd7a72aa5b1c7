import { TOOL_CALL_CLOSE, TOOL_CALL_OPEN } from '@plugboard/core';

export interface SplitChunk {
  /** text outside tool-call blocks that became safe to show */
  text: string;
  /** bodies of tool-call blocks that closed in this chunk */
  calls: string[];
}

/**
 * Separates streamed model text into visible text and `<tool_call>…</tool_call>`
 * bodies, across chunk boundaries: a tail that could still be the start of a
 * tag is held back until the next chunk decides it.
 */
export class ToolCallSplitter {
  private buffer = '';
  private inside = false;

  push(chunk: string): SplitChunk {
    this.buffer += chunk;
    const out: SplitChunk = { text: '', calls: [] };
    for (;;) {
      const tag = this.inside ? TOOL_CALL_CLOSE : TOOL_CALL_OPEN;
      const at = this.buffer.indexOf(tag);
      if (at < 0) break;
      if (this.inside) out.calls.push(this.buffer.slice(0, at));
      else out.text += this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + tag.length);
      this.inside = !this.inside;
    }
    if (!this.inside) {
      const keep = partialTagLength(this.buffer, TOOL_CALL_OPEN);
      out.text += this.buffer.slice(0, this.buffer.length - keep);
      this.buffer = this.buffer.slice(this.buffer.length - keep);
    }
    return out;
  }

  /** Ends the stream: the held text, and the body of a tool call left open (generation was cut off), if any. */
  end(): { text: string; unterminated: string | null } {
    const rest = this.buffer;
    this.buffer = '';
    if (this.inside) {
      this.inside = false;
      return { text: '', unterminated: rest };
    }
    return { text: rest, unterminated: null };
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagLength(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
