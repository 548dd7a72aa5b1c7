import { PlugboardError } from '../errors/plugboard-error.ts';
import type { GenerationResult } from '../events/model-events.ts';
import type { GeneratedToken, GenerateOptions, GenerationHost } from './generate.ts';
import { generateRows } from './generate.ts';
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
}

export interface TurnStats {
  /** cached tokens reused as they were */
  reused: number;
  /** tokens (re)computed before generation: invalidated cache + pending + new */
  prefilled: number;
}

/**
 * A single-row conversation whose KV cache persists across turns, recording
 * which adapter computed every cached token. Each turn reuses what is valid
 * for its adapter and mode and recomputes the rest, so switching skills never
 * mixes KV computed under different adapters.
 */
export class Conversation {
  private readonly cache: KvCache;
  private cachedTokens: number[] = [];
  /** per cached token: the adapter that computed it (null = base) */
  private provenance: (string | null)[] = [];
  /** history not yet in the cache (the last generated token), with the adapter meant for it */
  private pending: { token: number; adapter: string | null }[] = [];
  private busy = false;
  lastTurn: TurnStats = { reused: 0, prefilled: 0 };

  constructor(private readonly host: GenerationHost) {
    this.cache = KvCache.empty(host.config, 1);
  }

  /** Every token of the conversation so far. */
  get tokens(): number[] {
    return [...this.cachedTokens, ...this.pending.map((p) => p.token)];
  }

  /** Which adapter computed which cached tokens. */
  get spans(): KvSpan[] {
    return spansOf(this.provenance);
  }

  /** Appends `tokens` (a user turn, a tool result) and generates the reply under the turn's adapter. */
  send(tokens: number[], options: TurnOptions = {}): GenerationStream<GeneratedToken, GenerationResult[]> {
    if (this.busy) throw new PlugboardError('INVALID_ARGUMENT', 'a conversation runs one turn at a time; await the previous turn first');
    this.busy = true;
    return new GenerationStream(this.turn(tokens, options));
  }

  private async *turn(tokens: number[], options: TurnOptions): AsyncGenerator<GeneratedToken, GenerationResult[]> {
    const { adapter = null, mode = 'activated', ...generation } = options;
    const id = adapter?.id ?? null;
    const keep = reusablePrefix(this.provenance, id, mode);
    const continuing = keep === this.cachedTokens.length;
    // what must run before generating, with the adapter each token is computed under
    const refill = [
      ...this.cachedTokens.slice(keep).map((token) => ({ token, adapter: mode === 'full' ? id : null })),
      ...this.pending.map((p) => ({ token: p.token, adapter: mode === 'full' || (continuing && p.adapter === id) ? id : null })),
      ...tokens.map((token) => ({ token, adapter: id })),
    ];
    this.cache.truncate(keep);
    this.cachedTokens = this.cachedTokens.slice(0, keep);
    this.provenance = this.provenance.slice(0, keep);
    this.pending = [];
    this.lastTurn = { reused: keep, prefilled: refill.length };

    const generated: number[] = [];
    try {
      if (refill.length === 0) throw new PlugboardError('INVALID_ARGUMENT', 'a turn needs at least one new token');
      const stream = generateRows(
        this.host,
        [
          {
            tokens: refill.map((r) => r.token),
            adapterSlot: adapter?.slot ?? 0,
            adapterMask: refill.map((r) => (r.adapter === null ? 0 : 1)),
            cached: this.cachedTokens,
          },
        ],
        generation,
        this.cache,
      );
      for await (const token of stream) {
        generated.push(token.tokenId);
        yield token;
      }
      return await stream.result;
    } finally {
      this.settle([...refill, ...generated.map((token) => ({ token, adapter: id }))]);
      this.busy = false;
    }
  }

  /** Splits the turn's tokens into those the cache now holds and those still pending. */
  private settle(added: { token: number; adapter: string | null }[]): void {
    const inCache = (this.cache.lengths[0] as number) - this.cachedTokens.length;
    for (const entry of added.slice(0, inCache)) {
      this.cachedTokens.push(entry.token);
      this.provenance.push(entry.adapter);
    }
    this.pending = added.slice(inCache);
  }
}
