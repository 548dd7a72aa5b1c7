import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafetensors } from '../../../hf/safetensors-writer.ts';
import type { StoredDType } from '../../../hf/weight-source.ts';
import { ADAPTER_WEIGHTS_FILE, PLUGBOARD_ADAPTER_FILE, adapterMetadata } from '../../formats/adapter-files.ts';
import { bottleneckLinearTensors, checkBottleneckSource } from './bottleneck-linears.ts';
import type { BottleneckSource } from './bottleneck-linears.ts';
import { fileSha256 } from '../../formats/file-sha256.ts';
import { plugboardBottleneckKey } from './plugboard-adapter-manifest.ts';
import type { PlugboardAdapterManifest } from './plugboard-adapter-manifest.ts';
import type { WrittenAdapter } from '../../formats/adapter-io-types.ts';

export interface WritePlugboardBottleneckOptions {
  /** the base model's name, e.g. "Qwen/Qwen2.5-0.5B-Instruct" */
  baseModelName?: string | null;
  dtype?: StoredDType;
}

/** Writes a bottleneck adapter in our own format (plugboard_adapter.json + adapter_model.safetensors). */
export function writePlugboardBottleneck(dir: string, adapter: BottleneckSource, options: WritePlugboardBottleneckOptions = {}): WrittenAdapter {
  const hiddenSize = checkBottleneckSource(adapter);
  const manifest: PlugboardAdapterManifest = {
    format: 'plugboard-adapter',
    version: 1,
    kind: 'bottleneck',
    width: adapter.width,
    activation: adapter.activation,
    hidden_size: hiddenSize,
    layers: [...adapter.weights.keys()].sort((a, b) => a - b),
    base_model: { name: options.baseModelName ?? null, fingerprint: adapter.baseFingerprint ?? null },
  };
  const tensors = bottleneckLinearTensors(
    adapter,
    hiddenSize,
    (layer, part) => plugboardBottleneckKey(layer, part.startsWith('down') ? 'down' : 'up', part.endsWith('Weight') ? 'weight' : 'bias'),
    options.dtype ?? 'F32',
  );
  mkdirSync(dir, { recursive: true });
  const weightsPath = join(dir, ADAPTER_WEIGHTS_FILE);
  writeSafetensors(weightsPath, tensors, { metadata: adapterMetadata(adapter.baseFingerprint) });
  writeFileSync(join(dir, PLUGBOARD_ADAPTER_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, sha256: fileSha256(weightsPath) };
}
