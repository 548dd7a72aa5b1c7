import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { Graph, Initializer } from './ir.ts';
import { ONNX_DATA_TYPE } from './onnx-format.ts';
import type { TensorProto } from './onnx-proto-parts.ts';
import { P, checkedTensorBytes, encodeModel, inlineTensorProto, modelProto } from './onnx-proto-parts.ts';

/** ORT memory-maps external data; page-aligned offsets let it map each tensor in place. */
export const EXTERNAL_DATA_ALIGNMENT = 4096;

const plainFileName = z
  .string()
  .min(1)
  .refine((name) => basename(name) === name && name !== '.' && name !== '..', 'must be a plain file name, not a path');

export const WriteOnnxModelOptionsSchema = z.object({
  dir: z.string().min(1),
  fileName: plainFileName.default('model.onnx'),
  externalDataFile: plainFileName.default('model.onnx.data'),
  /** initializers larger than this many bytes go to the external data file */
  externalThreshold: z.number().int().nonnegative().default(1024),
});
export type WriteOnnxModelOptions = z.input<typeof WriteOnnxModelOptionsSchema>;

export interface WrittenOnnxModel {
  modelPath: string;
  /** absent when no initializer crossed the threshold */
  externalDataPath?: string;
  externalBytes: number;
}

/**
 * Writes model.onnx plus an external data file. Initializers are produced and
 * written one at a time, so a model larger than memory (or than protobuf's
 * 2 GB message limit) can be written. Both files are written under temporary
 * names and renamed at the end, data file first, so a crash never leaves a
 * model that looks complete but is not.
 */
export async function writeOnnxModel(graph: Graph, options: WriteOnnxModelOptions): Promise<WrittenOnnxModel> {
  const parsed = WriteOnnxModelOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `invalid writeOnnxModel options: ${z.prettifyError(parsed.error)}`);
  }
  const { dir, fileName, externalDataFile, externalThreshold } = parsed.data;
  if (fileName === externalDataFile) {
    throw new PlugboardError('INVALID_ARGUMENT', `fileName and externalDataFile are both "${fileName}"; give them different names`);
  }
  await mkdir(dir, { recursive: true });
  const modelPath = join(dir, fileName);
  const dataPath = join(dir, externalDataFile);
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  const modelTmp = modelPath + suffix;
  const dataTmp = dataPath + suffix;

  try {
    const { tensors, externalBytes } = await writeExternalData(graph.initializers, dataTmp, externalDataFile, externalThreshold);
    const modelFile = await open(modelTmp, 'w');
    try {
      await modelFile.writeFile(encodeModel(modelProto(graph, tensors)));
      await modelFile.sync();
    } finally {
      await modelFile.close();
    }
    if (externalBytes > 0) await rename(dataTmp, dataPath);
    else await rm(dataTmp, { force: true });
    await rename(modelTmp, modelPath);
    return externalBytes > 0 ? { modelPath, externalDataPath: dataPath, externalBytes } : { modelPath, externalBytes };
  } catch (error) {
    await Promise.all([rm(modelTmp, { force: true }), rm(dataTmp, { force: true })]);
    throw error;
  }
}

async function writeExternalData(
  initializers: Initializer[],
  dataTmp: string,
  location: string,
  threshold: number,
): Promise<{ tensors: TensorProto[]; externalBytes: number }> {
  const file = await open(dataTmp, 'w');
  const tensors: TensorProto[] = [];
  let offset = 0;
  try {
    for (const init of initializers) {
      const bytes = checkedTensorBytes(init);
      if (bytes.byteLength <= threshold) {
        tensors.push(inlineTensorProto(init, bytes));
        continue;
      }
      offset = alignUp(offset, EXTERNAL_DATA_ALIGNMENT);
      await writeFully(file, bytes, offset);
      tensors.push(externalTensorProto(init, location, offset, bytes.byteLength));
      offset += bytes.byteLength;
    }
    await file.sync();
  } finally {
    await file.close();
  }
  return { tensors, externalBytes: offset };
}

function externalTensorProto(init: Initializer, location: string, offset: number, length: number): TensorProto {
  return {
    name: init.name,
    dataType: ONNX_DATA_TYPE[init.dtype],
    dims: init.dims,
    dataLocation: P.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

async function writeFully(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const { bytesWritten } = await file.write(bytes, written, bytes.byteLength - written, position + written);
    written += bytesWritten;
  }
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
