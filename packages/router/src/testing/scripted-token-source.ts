import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { GeneratedToken, GenerationResult, Tokenizer, TurnOptions, TurnStats } from '@plugboard/core';
import type { TokenSource } from '../backend/local/token-source.ts';

/** What a turn emits: fixed text, or text computed from the rendered prompt it answers. */
export type ScriptedTurn = string | ((turn: { prompt: string }) => string);

/** One call the source answered: the prompt and the options LocalBackend passed (adapter slot, constraint, sampling). */
export interface ScriptedCall {
  prompt: string;
  options: TurnOptions;
}

/**
 * A test double under LocalBackend: it answers each generation with the next
 * scripted turn, token by token (the model's tokenizer splits it), so agent
 * and LangChain tests can make deterministic tool calls while routing, bank
 * leases, swaps and tools stay real. No model runs; tests of what the model is
 * fed use a real TranscriptSession with `observeFeeds`. The signal is checked
 * before every token and `maxTokens` cuts a turn (finish "length"), as the
 * real decode loop does; other sampling options are only recorded.
 */
export class ScriptedTokenSource implements TokenSource {
  readonly calls: ScriptedCall[] = [];
  lastTurn: TurnStats = { reused: 0, prefilled: 0 };
  private readonly turns: ScriptedTurn[];

  constructor(
    private readonly tokenizer: Tokenizer,
    turns: readonly ScriptedTurn[],
  ) {
    this.turns = [...turns];
  }

  /** Turns not yet used. */
  get turnsLeft(): number {
    return this.turns.length;
  }

  generate(prompt: string, options: TurnOptions): GenerationStream<GeneratedToken, GenerationResult[]> {
    return new GenerationStream(this.turn(prompt, options));
  }

  private async *turn(prompt: string, options: TurnOptions): AsyncGenerator<GeneratedToken, GenerationResult[]> {
    const turn = this.turns.shift();
    if (turn === undefined) throw new PlugboardError('INVALID_ARGUMENT', `the script has no turn left for generation ${this.calls.length + 1}; add a turn for every model call`);
    this.calls.push({ prompt, options });
    this.lastTurn = { reused: 0, prefilled: this.tokenizer.encode(prompt, { addSpecialTokens: false }).length };
    const whole = typeof turn === 'string' ? turn : turn({ prompt });
    const scripted = this.tokenizer.encode(whole, { addSpecialTokens: false });
    // like the decode loop, a turn stops at maxTokens
    const cut = options.maxTokens !== undefined && scripted.length > options.maxTokens;
    const tokens = cut ? scripted.slice(0, options.maxTokens) : scripted;
    const text = cut ? this.tokenizer.decode(tokens) : whole;
    const started = performance.now();
    for (const tokenId of tokens) {
      if (options.signal?.aborted) throw new PlugboardError('ABORTED', 'generation was aborted', { cause: options.signal.reason });
      await Promise.resolve();
      yield { row: 0, tokenId, text: this.tokenizer.decode([tokenId]) };
    }
    const ms = performance.now() - started;
    const timings = { ttftMs: ms, prefillMs: 0, decodeMs: ms, totalMs: ms, promptTokens: this.lastTurn.prefilled, generatedTokens: tokens.length, prefillTokensPerSecond: 0, decodeTokensPerSecond: tokens.length / Math.max(ms / 1000, 1e-9) };
    return [{ text, tokens, finishReason: cut ? 'length' : 'stop', stoppedBy: null, timings }];
  }
}
