import { PlugboardError } from '../errors/plugboard-error.ts';
import type { GenerationResult } from '../events/model-events.ts';
import type { GeneratedToken, GenerateOptions, GenerationHost, RowRequest } from './generate.ts';
import { checkGeneration, generateRows } from './generate.ts';
import { GenerationStream } from './generation-stream.ts';
import { KvCache } from './kv-cache.ts';
import type { ActivationMode, KvSpan } from './kv-provenance.ts';
import { reusablePrefix, spansOf } from './kv-provenance.ts';

/** The adapter a turn runs with: its resident slot and its identity (the bank's content hash). */
export interface TurnAdapter {
  slot: number;
  id: string;
}

export interface TurnOptions extends GenerateOptions {
  /** null or omitted: the base model */
  adapter?: TurnAdapter | null;
  /** how the adapter applies across the shared prefix (default `activated`) */
  mode?: ActivationMode;
  /**
   * activated mode: the index of the first new token the adapter applies to
   * (its invocation point; default 0, the whole turn). Tokens before it are
   * computed by the base model, e.g. a user turn ahead of a skill's own prompt.
   */
  adapterFrom?: number;
}

/**
 * Runs a turn's row over the conversation's cache: `generateRows` alone (the
 * default), or a ContinuousBatcher shared with other requests
 * (`(row, options, cache) => batcher.generate(row, options, cache)`).
 */
export type TurnRunner = (row: RowRequest, options: GenerateOptions, cache: KvCache) => GenerationStream<GeneratedToken, GenerationResult[]>;

export interface TurnStats {
  /** cached tokens reused as they were */
  reused: number;
  /** tokens (re)computed before generation: invalidated cache + pending + new */
  prefilled: number;
}

/**
 * A single-row conversation whose KV cache persists across turns, recording
 * which adapter computed every cached token. Each turn reuses what is valid
 * for its adapter and mode and recomputes the rest: in activated mode (the
 * default) a skill applies from its invocation point on, so every earlier
 * token keeps the KV its own adapter computed and a switch prefills only the
 * new tokens; in full mode only a prefix computed under the same adapter is kept.
 */
export class Conversation {
  /** the conversation's KV cache (row 0); read it, never write it */
  readonly cache: KvCache;
  private cachedTokens: number[] = [];
  /** per cached token: the adapter that computed it (null = base) */
  private provenance: (string | null)[] = [];
  /** history not yet in the cache (the last generated token), with the adapter meant for it */
  private pending: TurnToken[] = [];
  private busy = false;
  lastTurn: TurnStats = { reused: 0, prefilled: 0 };

  private readonly runner: TurnRunner;

  constructor(
    private readonly host: GenerationHost,
    runner?: TurnRunner,
  ) {
    this.cache = KvCache.empty(host.config, 1);
    this.runner = runner ?? ((row, options, cache) => generateRows(host, [row], options, cache));
  }

  /** Every token of the conversation so far. */
  get tokens(): number[] {
    return [...this.cachedTokens, ...this.pending.map((p) => p.token)];
  }

  /** Which adapter computed which cached tokens. */
  get spans(): KvSpan[] {
    return spansOf(this.provenance);
  }

  /**
   * Appends `tokens` (a user turn, a tool result) and generates the reply
   * under the turn's adapter. A turn commits only what it computed: one
   * refused before running (bad options or ids, too long, already aborted)
   * leaves history, spans and KV cache as they were.
   */
  send(tokens: number[], options: TurnOptions = {}): GenerationStream<GeneratedToken, GenerationResult[]> {
    if (this.busy) throw new PlugboardError('INVALID_ARGUMENT', 'a conversation runs one turn at a time; await the previous turn first');
    this.busy = true;
    return new GenerationStream(this.turn(tokens, options));
  }

  private async *turn(tokens: number[], options: TurnOptions): AsyncGenerator<GeneratedToken, GenerationResult[]> {
    const { adapter = null, mode = 'activated', adapterFrom = 0, ...generation } = options;
    const id = adapter?.id ?? null;
    const keep = reusablePrefix(this.provenance, id, mode);
    const continuing = keep === this.cachedTokens.length;
    // what must run before generating, with the adapter each token is computed under
    const refill: TurnToken[] = [
      ...this.cachedTokens.slice(keep).map((token) => ({ token, adapter: mode === 'full' ? id : null })),
      ...this.pending.map((p) => ({ token: p.token, adapter: mode === 'full' || (continuing && p.adapter === id) ? id : null })),
      ...tokens.map((token, j) => ({ token, adapter: j < adapterFrom ? null : id, fresh: true })),
    ];
    const row: RowRequest = {
      tokens: refill.map((r) => r.token),
      adapterSlot: adapter?.slot ?? 0,
      adapterMask: refill.map((r) => (r.adapter === null ? 0 : 1)),
      cached: this.cachedTokens.slice(0, keep),
    };
    try {
      if (tokens.length === 0) throw new PlugboardError('INVALID_ARGUMENT', 'a turn needs at least one new token');
      checkAdapterFrom(adapterFrom, tokens.length, mode);
      checkGeneration(this.host, [row], generation);
    } catch (error) {
      this.busy = false;
      throw error;
    }

    const before = { cachedTokens: this.cachedTokens, provenance: this.provenance, pending: this.pending, lastTurn: this.lastTurn, lengths: [...this.cache.lengths] };
    this.cache.truncate(keep);
    this.cachedTokens = this.cachedTokens.slice(0, keep);
    this.provenance = this.provenance.slice(0, keep);
    this.pending = [];
    this.lastTurn = { reused: keep, prefilled: refill.length };
    const generated: TurnToken[] = [];
    let failed = true;
    try {
      const stream = this.runner(row, generation, this.cache);
      for await (const token of stream) {
        generated.push({ token: token.tokenId, adapter: id });
        yield token;
      }
      const result = await stream.result;
      failed = false;
      return result;
    } finally {
      if (failed && this.cache.lengths[0] === keep && generated.length === 0) {
        // nothing was computed: undo the truncation (no run wrote into the cache since)
        this.cache.restoreLengths(before.lengths);
        ({ cachedTokens: this.cachedTokens, provenance: this.provenance, pending: this.pending, lastTurn: this.lastTurn } = before);
      } else {
        this.settle([...refill, ...generated], failed);
      }
      this.busy = false;
    }
  }

  /**
   * Splits the turn's tokens into those the cache now holds and those still
   * pending. After a failure, new input the cache never took is dropped
   * (the turn did not happen for it); earlier history stays pending.
   */
  private settle(added: TurnToken[], failed: boolean): void {
    const inCache = (this.cache.lengths[0] as number) - this.cachedTokens.length;
    for (const entry of added.slice(0, inCache)) {
      this.cachedTokens.push(entry.token);
      this.provenance.push(entry.adapter);
    }
    const rest = added.slice(inCache);
    this.pending = (failed ? rest.filter((entry) => !entry.fresh) : rest).map(({ token, adapter }) => ({ token, adapter }));
  }
}

/** The invocation point must lie within the turn, and only activated mode has one (full mode applies the adapter everywhere). */
function checkAdapterFrom(adapterFrom: number, newTokens: number, mode: ActivationMode): void {
  if (!Number.isInteger(adapterFrom) || adapterFrom < 0 || adapterFrom > newTokens) {
    throw new PlugboardError('INVALID_ARGUMENT', `adapterFrom must be an integer from 0 to the turn's ${newTokens} new tokens, got ${adapterFrom}`);
  }
  if (adapterFrom > 0 && mode === 'full') throw new PlugboardError('INVALID_ARGUMENT', "adapterFrom needs mode 'activated': in full mode the adapter applies to every token");
}

/** One token of a turn and the adapter it is (to be) computed under; `fresh` marks the turn's new input. */
interface TurnToken {
  token: number;
  adapter: string | null;
  fresh?: boolean;
}
