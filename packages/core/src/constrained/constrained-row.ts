import { PlugboardError } from '../errors/plugboard-error.ts';
import type { TokenMask } from '../sampling/token-mask.ts';
import type { CompiledConstraint } from './compile-constraint.ts';
import type { RecognizerState } from './json-recognizer.ts';

/**
 * One generated row under a constraint: which tokens it may take next, and
 * its recognizer state advanced over each token taken. End tokens are
 * allowed only where the output may end; once the output is complete and
 * nothing may follow, the row is `complete` (the generation stops there).
 */
export class ConstrainedRow {
  private state: RecognizerState;
  private allowed: Int32Array;
  private ended = false;

  constructor(
    private readonly constraint: CompiledConstraint,
    /** the generation's end tokens (EOS and stop token ids) */
    private readonly endIds: readonly number[],
  ) {
    this.state = constraint.recognizer.start();
    this.allowed = constraint.allowedIds(this.state);
  }

  /** The mask for the next token. */
  mask(): TokenMask {
    const canEnd = this.constraint.recognizer.canEnd(this.state);
    if (this.allowed.length === 0 && !canEnd) {
      throw new PlugboardError(
        'UNSUPPORTED_FEATURE',
        "no token of this tokenizer's vocabulary can continue the constrained output; the schema needs text its tokens cannot spell",
      );
    }
    return { ids: this.allowed, endIds: canEnd ? this.endIds : [] };
  }

  /** Takes `tokenId` (one the mask allowed). */
  advance(tokenId: number): void {
    if (this.endIds.includes(tokenId)) {
      this.ended = true;
      return;
    }
    const bytes = this.constraint.vocabulary.bytes[tokenId];
    const next = bytes == null ? null : this.constraint.recognizer.advance(this.state, bytes);
    if (next === null) throw new PlugboardError('INVALID_ARGUMENT', `token ${tokenId} does not continue the constrained output; sample it under the row's mask`);
    this.state = next;
    this.allowed = this.constraint.allowedIds(next);
  }

  /** The output is complete and no further text may follow. */
  get complete(): boolean {
    return this.ended || (this.allowed.length === 0 && this.constraint.recognizer.canEnd(this.state));
  }

  /** The output so far may end here. */
  get canEnd(): boolean {
    return this.ended || this.constraint.recognizer.canEnd(this.state);
  }
}
