import { isPlugboardError } from '@plugboard/core';
import type { ErrorCode } from '@plugboard/core';

/** The one table from PlugboardError codes to HTTP statuses (anything else is a 500). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  INVALID_CONFIG: 400,
  UNSUPPORTED_FEATURE: 400,
  PROMPT_TOO_LONG: 400,
  MANIFEST_INVALID: 400,
  ADAPTER_INVALID: 400,
  ADAPTER_INCOMPATIBLE: 400,
  DATA_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PATH_ESCAPE: 403,
  SKILL_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  SLOT_PINNED: 409,
  BANK_EXISTS: 409,
  RATE_LIMITED: 429,
  ABORTED: 499,
  BANK_FULL: 503,
  BACKEND_ERROR: 503,
  TIMEOUT: 504,
};

const TYPE: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 409: 'conflict_error', 413: 'invalid_request_error', 429: 'rate_limit_error', 499: 'aborted', 503: 'service_unavailable', 504: 'timeout' };

/** OpenAI's error body. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Status and OpenAI-shaped body for anything a handler threw (Fastify's own errors keep their status). */
export function errorResponse(error: unknown): { status: number; body: OpenAIErrorBody; retryAfter?: number } {
  if (isPlugboardError(error)) {
    const status = STATUS[error.code] ?? 500;
    const param = typeof error.details?.param === 'string' ? error.details.param : null;
    const retry = error.details?.retryAfterSeconds;
    return { status, body: { error: { message: error.message, type: TYPE[status] ?? 'server_error', param, code: error.code } }, ...(typeof retry === 'number' ? { retryAfter: retry } : {}) };
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  const status = typeof e.statusCode === 'number' && e.statusCode >= 400 ? e.statusCode : 500;
  const message = status === 500 ? `internal error: ${e.message ?? String(error)}` : (e.message ?? 'bad request');
  return { status, body: { error: { message, type: TYPE[status] ?? 'server_error', param: null, code: e.code ?? null } } };
}
