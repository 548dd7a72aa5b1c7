import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { GeneratedToken, GenerationResult, TurnOptions } from '@plugboard/core';
import type { TranscriptSession } from '../../backend/local/transcript-session.ts';

export interface TurnOutcome {
  result: GenerationResult;
  /** the output was decoded under the turn's constraint; false: one was asked for but the runtime cannot; null: none was asked for */
  constrained: boolean | null;
}

/**
 * Runs turns under their `constraint` where the runtime decodes constrained,
 * so a chat model can ask for it today and get it as soon as core has it. A
 * runtime without it answers UNSUPPORTED_FEATURE before the first token; the
 * turn then runs unconstrained (`constrained: false`) and later turns skip the
 * failed start (which would also cost the cached prefix).
 */
export class ConstrainedTurns {
  private available = true;

  constructor(private readonly session: TranscriptSession) {}

  generate(prompt: string, options: TurnOptions): GenerationStream<GeneratedToken, TurnOutcome> {
    return new GenerationStream(this.turn(prompt, options));
  }

  private async *turn(prompt: string, options: TurnOptions): AsyncGenerator<GeneratedToken, TurnOutcome> {
    const { constraint, ...free } = options;
    if (constraint !== undefined && this.available) {
      let started = false;
      try {
        const stream = this.session.generate(prompt, options);
        for await (const token of stream) {
          started = true;
          yield token;
        }
        return { result: firstOf(await stream.result), constrained: true };
      } catch (error) {
        if (started || !(error instanceof PlugboardError && error.code === 'UNSUPPORTED_FEATURE')) throw error;
        this.available = false;
      }
    }
    const stream = this.session.generate(prompt, free);
    for await (const token of stream) yield token;
    return { result: firstOf(await stream.result), constrained: constraint === undefined ? null : false };
  }
}

function firstOf(results: GenerationResult[]): GenerationResult {
  const [result] = results;
  if (result === undefined) throw new PlugboardError('INVALID_ARGUMENT', 'the generation returned no result row');
  return result;
}
