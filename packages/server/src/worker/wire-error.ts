import { ERROR_CODES, isPlugboardError, PlugboardError } from '@plugboard/core';
import type { ErrorCode } from '@plugboard/core';
import type { WireError } from './worker-protocol.ts';

/** An error as it crosses the thread boundary (class identity does not survive structured clone). */
export function toWire(error: unknown): WireError {
  if (isPlugboardError(error)) return { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}

export function fromWire(error: WireError): Error {
  if (error.code !== null && (ERROR_CODES as readonly string[]).includes(error.code)) {
    return new PlugboardError(error.code as ErrorCode, error.message, error.details === undefined ? undefined : { details: error.details });
  }
  return new PlugboardError('BACKEND_ERROR', `the model worker failed: ${error.message}`);
}
