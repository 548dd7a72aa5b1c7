import { createHash } from 'node:crypto';

/** Hex sha256 of a string's UTF-8 bytes: identifies file and chunk contents. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
