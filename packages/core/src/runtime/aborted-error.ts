import { PlugboardError } from '../errors/plugboard-error.ts';

/** The error a generation ends with when its signal aborts (the signal's reason as the cause). */
export function abortedError(signal: AbortSignal): PlugboardError {
  return new PlugboardError('ABORTED', 'generation was aborted', { cause: signal.reason });
}
