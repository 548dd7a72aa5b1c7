import { isPlugboardError } from '@plugboard/core';
import type { ErrorCode } from '@plugboard/core';

export interface Failure {
  code: ErrorCode | 'UNKNOWN';
  message: string;
}

export function failureOf(error: unknown): Failure {
  if (isPlugboardError(error)) return { code: error.code, message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

/** What the model reads in place of a tool result when the call failed. */
export function errorObservation(failure: Failure): string {
  return JSON.stringify({ error: failure });
}
