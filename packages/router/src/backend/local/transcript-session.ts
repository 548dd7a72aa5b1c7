import { Conversation, GenerationStream } from '@plugboard/core';
import type { GeneratedToken, GenerationHost, GenerationResult, TurnOptions, TurnRunner, TurnStats } from '@plugboard/core';
import type { TokenSource } from './token-source.ts';

/**
 * Generates from fully rendered prompts while reusing the KV cache: when a
 * prompt extends the text the cache already holds (the previous prompt plus
 * what was generated), only the new tail is tokenized and prefilled; any other
 * prompt starts a fresh conversation. The cache keeps the generated tokens as
 * they were sampled, so an agent's growing transcript is prefilled once.
 * With a `runner` (a ContinuousBatcher's generate) every turn, concurrent
 * ones included, decodes in the shared batch.
 */
export class TranscriptSession implements TokenSource {
  private conversation: Conversation | null = null;
  /** the text whose tokens the conversation holds ('' when unknown) */
  private consumed = '';
  private busy = false;

  /** what the last turn of the shared conversation reused from the cache and prefilled */
  get lastTurn(): TurnStats {
    return this.conversation?.lastTurn ?? { reused: 0, prefilled: 0 };
  }

  constructor(
    private readonly host: GenerationHost,
    private readonly options: { runner?: TurnRunner } = {},
  ) {}

  generate(prompt: string, options: TurnOptions = {}): GenerationStream<GeneratedToken, GenerationResult[]> {
    if (this.busy) {
      // a second concurrent call gets a throwaway conversation rather than waiting
      const conversation = this.newConversation();
      const stream = conversation.send(this.encode(prompt), options);
      this.turns.set(stream, conversation);
      return stream;
    }
    this.busy = true;
    // the turn records its conversation's stats as it ends (the shared conversation's next turn replaces them)
    const stream: GenerationStream<GeneratedToken, GenerationResult[]> = new GenerationStream(this.turn(prompt, options, (stats) => this.turns.set(stream, { lastTurn: stats })));
    return stream;
  }

  statsOf(stream: GenerationStream<GeneratedToken, GenerationResult[]>): TurnStats | undefined {
    return this.turns.get(stream)?.lastTurn;
  }

  /** per stream: a throwaway conversation (its stats never change), or the shared conversation's stats as its turn ended */
  private readonly turns = new WeakMap<GenerationStream<GeneratedToken, GenerationResult[]>, { readonly lastTurn: TurnStats }>();

  private async *turn(prompt: string, options: TurnOptions, record: (stats: TurnStats) => void): AsyncGenerator<GeneratedToken, GenerationResult[]> {
    try {
      const continues = this.conversation !== null && this.consumed !== '' && prompt.length > this.consumed.length && prompt.startsWith(this.consumed);
      if (!continues) this.conversation = this.newConversation();
      const tail = continues ? prompt.slice(this.consumed.length) : prompt;
      this.consumed = '';
      const stream = (this.conversation as Conversation).send(this.encode(tail), options);
      for await (const token of stream) yield token;
      const results = await stream.result;
      record((this.conversation as Conversation).lastTurn);
      this.consumed = this.textAfter(prompt, results[0]);
      return results;
    } finally {
      this.busy = false;
    }
  }

  private newConversation(): Conversation {
    return new Conversation(this.host, this.options.runner);
  }

  private encode(text: string): number[] {
    return this.host.tokenizer.encode(text, { addSpecialTokens: false });
  }

  /** The text of prompt + generated tokens, or '' when it cannot be known exactly (a stop string was cut off). */
  private textAfter(prompt: string, result: GenerationResult | undefined): string {
    if (result === undefined || typeof result.stoppedBy === 'string') return '';
    const stopToken = typeof result.stoppedBy === 'number' ? this.host.tokenizer.decode([result.stoppedBy], { skipSpecialTokens: false }) : '';
    return prompt + result.text + stopToken;
  }
}
