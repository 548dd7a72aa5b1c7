/**
 * Test-only: a runtime double at the chat model's generation port. It records
 * the TurnOptions of every generation a PlugboardChatModel starts (sampling,
 * adapter, the constraint spec) and stands in for core's constrained decoding:
 * `accept` runs the turn as a runtime that honours the constraint would (the
 * scripted output obeys it already, so the constraint is dropped before
 * today's core, which refuses it); `unsupported` answers UNSUPPORTED_FEATURE
 * before the first token, as a core without constrained decoding does.
 */
import { onTestFinished, vi } from 'vitest';
import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { GeneratedToken, GenerationResult, TurnOptions } from '@plugboard/core';
import { TranscriptSession } from '../../backend/local/transcript-session.ts';

export interface TurnOptionsSpy {
  readonly turns: TurnOptions[];
}

/** Call inside a test; the spy is removed when that test finishes. */
export function spyOnTurnOptions(constraints: 'accept' | 'unsupported' = 'accept'): TurnOptionsSpy {
  const original = TranscriptSession.prototype.generate;
  const turns: TurnOptions[] = [];
  const spy = vi.spyOn(TranscriptSession.prototype, 'generate').mockImplementation(function (this: TranscriptSession, prompt: string, options: TurnOptions = {}) {
    turns.push(options);
    const { constraint, ...free } = options;
    if (constraint !== undefined && constraints === 'unsupported') return new GenerationStream(refused());
    return original.call(this, prompt, free);
  });
  onTestFinished(() => spy.mockRestore());
  return { turns };
}

/** Refuses before its first token, like core's generation loop. */
async function* refused(): AsyncGenerator<GeneratedToken, GenerationResult[]> {
  throw new PlugboardError('UNSUPPORTED_FEATURE', 'constrained decoding is not available in this build');
}
