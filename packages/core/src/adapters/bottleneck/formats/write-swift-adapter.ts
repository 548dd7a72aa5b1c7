import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensors } from '../../../hf/safetensors-writer.ts';
import type { StoredDType } from '../../../hf/weight-source.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, adapterMetadata } from '../../formats/adapter-files.ts';
import { bottleneckLinearTensors, checkBottleneckSource } from './bottleneck-linears.ts';
import type { BottleneckPartName, BottleneckSource } from './bottleneck-linears.ts';
import { fileSha256 } from '../../formats/file-sha256.ts';
import { swiftMlpPath } from './swift-adapter-config.ts';
import type { WrittenAdapter } from '../../formats/adapter-io-types.ts';

export interface WriteSwiftAdapterOptions {
  /** ms-swift's adapter name, part of every key (default "default") */
  adapterName?: string;
  dtype?: StoredDType;
}

const LINEAR_OF: Record<BottleneckPartName, string> = {
  downWeight: 'linear1.weight',
  downBias: 'linear1.bias',
  upWeight: 'linear2.weight',
  upBias: 'linear2.bias',
};

/** Writes a bottleneck adapter in ms-swift's Adapter layout (what SwiftModel.save_pretrained writes for one adapter). */
export function writeSwiftAdapter(dir: string, adapter: BottleneckSource, options: WriteSwiftAdapterOptions = {}): WrittenAdapter {
  const hiddenSize = checkBottleneckSource(adapter);
  const adapterName = options.adapterName ?? 'default';
  const layers = [...adapter.weights.keys()].sort((a, b) => a - b);
  const config = {
    swift_type: 'ADAPTER',
    dim: hiddenSize,
    // a list is matched with endswith, so full paths select exactly these layers
    target_modules: layers.map(swiftMlpPath),
    hidden_pos: 0,
    method_name: 'forward',
    adapter_length: adapter.width,
    act_layer: adapter.activation,
  };
  const tensors = bottleneckLinearTensors(
    adapter,
    hiddenSize,
    (layer, part) => `${swiftMlpPath(layer)}.adapter_${adapterName}.${LINEAR_OF[part]}`,
    options.dtype ?? 'F32',
  );
  mkdirSync(dir, { recursive: true });
  const weightsPath = join(dir, ADAPTER_WEIGHTS_FILE);
  writeSafetensors(weightsPath, tensors, { metadata: adapterMetadata(adapter.baseFingerprint) });
  writeFileSync(join(dir, ADAPTER_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  return { dir, sha256: fileSha256(weightsPath) };
}
