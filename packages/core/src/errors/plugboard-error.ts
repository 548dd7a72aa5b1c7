/**
 * Every failure Plugboard reports on purpose is a PlugboardError with a stable
 * `code`: callers branch on the code, people read the message.
 */
export const ERROR_CODES = [
  'FILE_NOT_FOUND',
  'INVALID_CONFIG',
  'UNSUPPORTED_ARCHITECTURE',
  'UNSUPPORTED_DTYPE',
  'UNSUPPORTED_FEATURE',
  'SAFETENSORS_CORRUPT',
  'SAFETENSORS_HEADER_TOO_LARGE',
  'WEIGHT_MISSING',
  'WEIGHT_SHAPE_MISMATCH',
  'TOKENIZER_ERROR',
  'CHAT_TEMPLATE_ERROR',
  'PROMPT_TOO_LONG',
  'INVALID_ARGUMENT',
  'ABORTED',
  'GRAPH_INVALID',
  'ORT_ERROR',
  'ADAPTER_INVALID',
  'ADAPTER_INCOMPATIBLE',
  'BANK_FULL',
  'SLOT_PINNED',
  'MANIFEST_INVALID',
  'PATH_ESCAPE',
  'TOOL_ERROR',
  'TOOL_TIMEOUT',
  'ROUTER_NOT_FITTED',
  'DATA_INVALID',
  /** tensors in the weights that the config does not account for */
  'WEIGHT_UNEXPECTED',
  /** non-finite values (NaN, ±Infinity) in weights, adapters or logits */
  'NUMERIC_ERROR',
  /** a model has one adapter bank: a second was asked for */
  'BANK_EXISTS',
  /** a skill name no registry knows */
  'SKILL_NOT_FOUND',
  /** the Hugging Face hub (or a mirror) refused or failed a request */
  'HUB_ERROR',
  /** a download whose bytes do not match the expected hash or size */
  'DOWNLOAD_CORRUPT',
  /** an index (RAG, router, cache) built for something else: another embedder, other skills */
  'INDEX_MISMATCH',
  /** a skill backend (local or remote) failed or stalled mid-generation */
  'BACKEND_ERROR',
  /** a .gguf file whose header, metadata or tensor table cannot be read */
  'GGUF_CORRUPT',
  /** an HTTP request without a valid API key */
  'UNAUTHORIZED',
  /** a valid key asked for something it may not do (admin endpoints, paths outside the skill roots) */
  'FORBIDDEN',
  /** a key's rate limit, concurrency cap or the server's queue is exhausted: retry later */
  'RATE_LIMITED',
  /** a request ran past its time limit */
  'TIMEOUT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class PlugboardError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlugboardError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isPlugboardError(error: unknown, code?: ErrorCode): error is PlugboardError {
  return error instanceof PlugboardError && (code === undefined || error.code === code);
}
