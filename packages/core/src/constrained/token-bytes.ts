import { PlugboardError } from '../errors/plugboard-error.ts';
import { byteLevelAlphabet } from '../hf/byte-level-alphabet.ts';
import type { Tokenizer } from '../hf/tokenizer.ts';

const SENTENCEPIECE_SPACE = '\u2581';
const BYTE_FALLBACK = /^<0x([0-9A-Fa-f]{2})>$/;

/**
 * The bytes each token id stands for, one char per byte (latin1), or null for
 * ids the tokenizer lacks. Byte-level BPE (GPT-2, Qwen, Llama 3) stores bytes
 * as printable stand-ins; SentencePiece writes "▁" for a space and "<0xNN>"
 * for raw bytes. Added tokens (e.g. "<tool_call>") stand for their own text.
 */
export function tokenByteStrings(tokenizer: Pick<Tokenizer, 'vocabSize' | 'idToToken' | 'decode'>): (string | null)[] {
  const byteOf = new Map(byteLevelAlphabet().map((char, byte) => [char, byte]));
  const pieces = Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.idToToken(id) ?? null);
  const present = pieces.filter((p): p is string => p !== null);
  const byteLevel = present.filter((p) => [...p].every((c) => byteOf.has(c))).length >= present.length * 0.99;
  const bytes = pieces.map((piece) => {
    if (piece === null) return null;
    if (byteLevel && [...piece].every((c) => byteOf.has(c))) return String.fromCharCode(...[...piece].map((c) => byteOf.get(c) as number));
    const fallback = BYTE_FALLBACK.exec(piece);
    if (!byteLevel && fallback !== null) return String.fromCharCode(Number.parseInt(fallback[1] as string, 16));
    return Buffer.from(byteLevel ? piece : piece.replaceAll(SENTENCEPIECE_SPACE, ' '), 'utf8').toString('latin1');
  });
  if (byteLevel) checkAgainstDecode(tokenizer, bytes);
  return bytes;
}

/** Byte-level texts must equal what the tokenizer decodes; a sample of whole-character tokens is checked. */
function checkAgainstDecode(tokenizer: Pick<Tokenizer, 'decode'>, bytes: (string | null)[]): void {
  const stride = Math.max(1, Math.floor(bytes.length / 97));
  for (let id = 0; id < bytes.length; id += stride) {
    const text = bytes[id];
    if (text === null || text === undefined) continue;
    const decoded = Buffer.from(text, 'latin1').toString('utf8');
    if (decoded.includes('\uFFFD')) continue;
    if (tokenizer.decode([id]) !== decoded) {
      throw new PlugboardError(
        'UNSUPPORTED_FEATURE',
        `constrained decoding cannot map this tokenizer's tokens to bytes (token ${id} decodes to ${JSON.stringify(tokenizer.decode([id]))}, not ${JSON.stringify(decoded)}); use a byte-level BPE or SentencePiece tokenizer`,
      );
    }
  }
}
