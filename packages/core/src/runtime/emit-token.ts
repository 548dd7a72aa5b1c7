import type { GeneratedToken, GenerationHost } from './generate.ts';

/** Announces a generated token on the model's events and returns it as the stream yields it. */
export function emitToken(host: GenerationHost, requestId: string, row: number, tokenId: number, text: string): GeneratedToken {
  host.events.emit('generate:token', { requestId, row, tokenId, text });
  return { row, tokenId, text };
}
