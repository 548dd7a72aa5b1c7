import { ModelEventEmitter, PlugboardError } from '@plugboard/core';
import type { ChatTemplate, GenerationHost, Tokenizer } from '@plugboard/core';
import type { ChatRuntime } from '../backend/local/chat-runtime.ts';

type Session = GenerationHost['session'];
type Feeds = Parameters<Session['run']>[0];
type Outputs = Awaited<ReturnType<Session['run']>>;

/** What a turn emits: fixed text, or text computed from what the model was fed this turn. */
export type ScriptedGenerationTurn = string | ((turn: { prefilledText: string }) => string);

/**
 * Makes a real model emit scripted text, for tests of agent loops on tiny
 * random models that cannot produce tool calls by themselves. Only the choice
 * of tokens is constrained: every step still runs the real graph with the real
 * KV cache and adapter slots; after each run the logits of every token but the
 * scripted one are set to -Infinity, so any sampler picks it. Each generation
 * (one `generate:start`) consumes one turn: its text's tokens, then EOS.
 */
export class ScriptedGeneration {
  readonly host: ChatRuntime;
  private readonly turns: ScriptedGenerationTurn[];
  private forced: number[] | null = null;
  /** the turn of a generation that started but has not run its prefill yet */
  private starting: ScriptedGenerationTurn | null = null;
  private started = 0;

  constructor(
    private readonly model: ChatRuntime,
    turns: readonly ScriptedGenerationTurn[],
  ) {
    this.turns = [...turns];
    const events = new ModelEventEmitter();
    // listeners of the model still hear this host's generations
    events.on('generate:start', (e) => {
      // thrown here, the error ends the generation as it is (errors inside a session run are wrapped as ORT_ERROR)
      this.startTurn(e.rows);
      model.events.emit('generate:start', e);
    });
    events.on('generate:token', (e) => model.events.emit('generate:token', e));
    events.on('generate:end', (e) => model.events.emit('generate:end', e));
    const session = new Proxy(model.session, {
      get: (target, property, receiver) => (property === 'run' ? this.run.bind(this) : Reflect.get(target, property, receiver)),
    });
    this.host = {
      config: model.config,
      tokenizer: model.tokenizer,
      session,
      events,
      contextLength: model.contextLength,
      // the script forces one token per run after the prefill, so a prompt must prefill in one run
      prefillChunkTokens: Number.MAX_SAFE_INTEGER,
      weightsFingerprint: model.weightsFingerprint,
      slotFeeds: () => model.slotFeeds(),
      chatTemplate: (): ChatTemplate => model.chatTemplate(),
    };
  }

  /** Generations started so far. */
  get turnsStarted(): number {
    return this.started;
  }

  /** Turns not yet started. */
  get turnsLeft(): number {
    return this.turns.length;
  }

  private async run(feeds: Feeds, ...rest: unknown[]): Promise<Outputs> {
    const session = this.model.session;
    const outputs = (await Reflect.apply(session.run, session, [feeds, ...rest])) as Outputs;
    if (this.starting !== null) {
      const prefilled = Array.from(feeds.input_ids?.data as BigInt64Array, Number);
      const turn = this.starting;
      this.starting = null;
      const text = typeof turn === 'string' ? turn : turn({ prefilledText: this.model.tokenizer.decode(prefilled) });
      this.forced = [...this.model.tokenizer.encode(text, { addSpecialTokens: false }), endOfTurn(this.model.tokenizer)];
    }
    const logits = outputs.logits?.data;
    if (this.forced === null || !(logits instanceof Float32Array)) {
      throw new PlugboardError('INVALID_ARGUMENT', 'scripted generation ran outside a generation (no generate:start) or the graph has no float logits');
    }
    const token = this.forced.length > 1 ? (this.forced.shift() as number) : (this.forced[0] as number);
    forceToken(logits, outputs.logits?.dims.at(-1) as number, token);
    return outputs;
  }

  private startTurn(rows: number): void {
    if (rows !== 1) throw new PlugboardError('INVALID_ARGUMENT', `scripted generation drives a single row, got ${rows}; generate one prompt (or one conversation) at a time`);
    const turn = this.turns.shift();
    if (turn === undefined) {
      throw new PlugboardError('INVALID_ARGUMENT', `the generation script has no turn left for generation ${this.started + 1}; add a turn for every model call`);
    }
    this.started++;
    this.starting = turn;
    this.forced = null;
  }
}

function endOfTurn(tokenizer: Tokenizer): number {
  const eos = tokenizer.eosTokenIds[0];
  if (eos === undefined) throw new PlugboardError('TOKENIZER_ERROR', 'the tokenizer has no EOS token, so a scripted turn cannot end; use a model with eos_token_id');
  return eos;
}

/** Every position's row keeps only `token` (all other logits -Infinity). */
function forceToken(logits: Float32Array, vocabSize: number, token: number): void {
  for (let offset = 0; offset < logits.length; offset += vocabSize) {
    logits.fill(Number.NEGATIVE_INFINITY, offset, offset + vocabSize);
    logits[offset + token] = 0;
  }
}
