import type { GeneratedToken, GenerationResult, GenerationStream, TurnOptions, TurnStats } from '@plugboard/core';

/**
 * Where LocalBackend's tokens come from: a rendered prompt in, a stream of
 * tokens out, plus what the last turn reused from the KV cache. The default is
 * a TranscriptSession over the model; tests script one (routing, leases and
 * tools around it stay real).
 */
export interface TokenSource {
  generate(prompt: string, options: TurnOptions): GenerationStream<GeneratedToken, GenerationResult[]>;
  /** the last turn's cached tokens reused and tokens prefilled */
  readonly lastTurn: TurnStats;
  /** what the turn of `stream` reused and prefilled (right under concurrent turns, where `lastTurn` is another turn's) */
  statsOf?(stream: GenerationStream<GeneratedToken, GenerationResult[]>): TurnStats | undefined;
}
