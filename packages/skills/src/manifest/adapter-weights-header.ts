import { PlugboardError, SafetensorsFile, isPlugboardError } from '@plugboard/core';
import type { FileOpener, TensorInfo } from '@plugboard/core';
import { BASE_FINGERPRINT_METADATA_KEY } from '@plugboard/core';

/** An adapter weights file as its header describes it; no tensor data is read. */
export interface AdapterWeightsHeader {
  path: string;
  /** the file's size on disk */
  bytes: number;
  tensors: TensorInfo[];
  /** elements over all tensors */
  params: number;
  /** the base fingerprint recorded in the safetensors metadata, if any */
  baseFingerprint: string | null;
}

function invalid(path: string, problem: string, cause?: unknown): PlugboardError {
  return new PlugboardError('ADAPTER_INVALID', `adapter weights ${path} ${problem}; re-export the adapter`, { cause, details: { path } });
}

/**
 * Reads an adapter's safetensors header and checks the file's size is exactly
 * what the header declares: a truncated file, trailing bytes, or gaps between
 * tensors are ADAPTER_INVALID before any weight is read. `open` opens the
 * file (a skill passes openerInside, so it stays inside the package).
 */
export function readAdapterWeightsHeader(path: string, open: FileOpener): AdapterWeightsHeader {
  let file: SafetensorsFile;
  try {
    file = SafetensorsFile.open(path, { open });
  } catch (error) {
    if (isPlugboardError(error, 'SAFETENSORS_CORRUPT') || isPlugboardError(error, 'SAFETENSORS_HEADER_TOO_LARGE')) {
      throw invalid(path, `is not a valid safetensors file (${error.message})`, error);
    }
    throw error;
  }
  try {
    const tensors = file.names().map((name) => file.info(name));
    const dataBytes = tensors.reduce((sum, t) => sum + t.byteLength, 0);
    const declared = 8 + file.headerLength + dataBytes;
    if (declared !== file.size) {
      throw invalid(path, `is ${file.size} bytes but its header declares ${declared} (header plus ${dataBytes} bytes of tensors)`);
    }
    return {
      path,
      bytes: file.size,
      tensors,
      params: tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0),
      baseFingerprint: file.metadata[BASE_FINGERPRINT_METADATA_KEY] ?? null,
    };
  } finally {
    file.close();
  }
}
