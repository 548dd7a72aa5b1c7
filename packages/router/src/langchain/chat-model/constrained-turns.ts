import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { SkillStream } from '../../backend/skill-backend.ts';
import type { SkillDelta, SkillResult } from '../../backend/skill-result.ts';

export interface TurnOutcome {
  result: SkillResult;
  /** the output was decoded under a token mask; false: one was asked for but the backend cannot; null: none was asked for */
  constrained: boolean | null;
}

/**
 * Runs a chat model's turns constrained where the backend can decode under a
 * token mask. A backend that cannot answers UNSUPPORTED_FEATURE before its
 * first delta; the turn then runs unconstrained (`constrained: false`) and
 * later turns skip the failed start (which would also cost the cached prefix).
 */
export class ConstrainedTurns {
  private available = true;

  /** `start(constrained)` starts the backend's generation with the mask on or off. */
  generate(asked: boolean, start: (constrained: boolean) => SkillStream): GenerationStream<SkillDelta, TurnOutcome> {
    return new GenerationStream(this.turn(asked, start));
  }

  private async *turn(asked: boolean, start: (constrained: boolean) => SkillStream): AsyncGenerator<SkillDelta, TurnOutcome> {
    if (asked && this.available) {
      let started = false;
      try {
        const stream = start(true);
        for await (const delta of stream) {
          started = true;
          yield delta;
        }
        return { result: await stream.result, constrained: true };
      } catch (error) {
        if (started || !(error instanceof PlugboardError && error.code === 'UNSUPPORTED_FEATURE')) throw error;
        this.available = false;
      }
    }
    const stream = start(false);
    for await (const delta of stream) yield delta;
    return { result: await stream.result, constrained: asked ? false : null };
  }
}
