import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { SAFETENSORS_DTYPE_BYTES, elementCount } from './safetensors-dtypes.ts';

/** Refuse headers past this size: real ones are kilobytes to a few MiB; a huge length means a corrupt or hostile file. */
export const MAX_SAFETENSORS_HEADER_BYTES = 100 * 1024 * 1024;

const TensorHeaderEntrySchema = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});

export const SafetensorsHeaderSchema = z
  .object({ __metadata__: z.record(z.string(), z.string()).optional() })
  .catchall(TensorHeaderEntrySchema);

export type TensorHeaderEntry = z.infer<typeof TensorHeaderEntrySchema>;

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** absolute position of the tensor's first byte in the file */
  fileOffset: number;
  byteLength: number;
}

export interface ParsedSafetensorsHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

export function corrupt(path: string, problem: string, cause?: unknown): PlugboardError {
  return new PlugboardError(
    'SAFETENSORS_CORRUPT',
    `${path} is not a valid safetensors file: ${problem}. Re-download or re-export the weights.`,
    { cause, details: { path } },
  );
}

/** Checks the 8-byte header length prefix against the file size; returns the header's byte length. */
export function checkHeaderLength(path: string, headerLength: bigint, fileSize: number): number {
  if (headerLength > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    throw new PlugboardError(
      'SAFETENSORS_HEADER_TOO_LARGE',
      `${path} declares a ${headerLength}-byte header, over the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit: the file is corrupt or not safetensors`,
      { details: { path } },
    );
  }
  const length = Number(headerLength);
  if (8 + length > fileSize) {
    throw corrupt(path, `the header claims ${length} bytes but the file has only ${fileSize - 8} after the length prefix (truncated?)`);
  }
  return length;
}

/**
 * Parses and validates the JSON header: every tensor's byte range must lie in
 * the data section, match dtype × shape, and not overlap another tensor.
 */
export function parseSafetensorsHeader(path: string, headerBytes: Uint8Array, dataSize: number): ParsedSafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (cause) {
    throw corrupt(path, 'the header is not valid UTF-8 JSON', cause);
  }
  const parsed = SafetensorsHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(path, `header entry "${issue?.path.join('.')}" is malformed: ${issue?.message}`, parsed.error);
  }
  const { __metadata__: metadata = {}, ...tensors } = parsed.data;
  const dataStart = 8 + headerBytes.length;
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, entry] of Object.entries(tensors)) {
    entries.set(name, checkEntry(path, name, entry, dataSize, dataStart));
  }
  checkNoOverlap(path, [...entries.values()], dataStart);
  return { entries, metadata };
}

function checkEntry(path: string, name: string, entry: TensorHeaderEntry, dataSize: number, dataStart: number): SafetensorsEntry {
  const [begin, end] = entry.data_offsets;
  if (end < begin) throw corrupt(path, `tensor "${name}" has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataSize) {
    throw corrupt(path, `tensor "${name}" ends at byte ${end} of a ${dataSize}-byte data section (truncated file?)`);
  }
  const elementBytes = SAFETENSORS_DTYPE_BYTES[entry.dtype];
  const expected = elementBytes === undefined ? undefined : elementCount(entry.shape) * elementBytes;
  if (expected !== undefined && expected !== end - begin) {
    throw corrupt(
      path,
      `tensor "${name}" (${entry.dtype} ${JSON.stringify(entry.shape)}) needs ${expected} bytes but its data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype: entry.dtype, shape: entry.shape, fileOffset: dataStart + begin, byteLength: end - begin };
}

function checkNoOverlap(path: string, entries: SafetensorsEntry[], dataStart: number): void {
  const sorted = [...entries].sort((a, b) => a.fileOffset - b.fileOffset);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (current.fileOffset < previous.fileOffset + previous.byteLength) {
      throw corrupt(
        path,
        `tensor "${current.name}" starts at data byte ${current.fileOffset - dataStart}, inside "${previous.name}" (offsets overlap or are out of order)`,
      );
    }
  }
}
