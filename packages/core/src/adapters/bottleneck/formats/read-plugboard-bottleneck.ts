import { basename } from 'node:path';
import { PlugboardError } from '../../../errors/plugboard-error.ts';
import { readJsonFile } from '../../../hf/read-json-file.ts';
import { SafetensorsFile } from '../../../hf/safetensors-file.ts';
import type { BottleneckWeights, LoadedBottleneck } from '../loaded-bottleneck.ts';
import { ADAPTER_WEIGHTS_FILE, PLUGBOARD_ADAPTER_FILE, requireAdapterFile } from '../../formats/adapter-files.ts';
import { groupBottleneckKeys, readBottleneckLayer } from './bottleneck-linears.ts';
import type { BottleneckLayerKeys, BottleneckPartName, ParsedBottleneckKey } from './bottleneck-linears.ts';
import { fileSha256 } from '../../formats/file-sha256.ts';
import { PlugboardAdapterManifestSchema } from './plugboard-adapter-manifest.ts';
import type { ReadAdapterOptions } from '../../formats/adapter-io-types.ts';

const KEY_PATTERN = /^layers\.(\d+)\.adapter\.(down|up)\.(weight|bias)$/;

function parseKey(name: string): ParsedBottleneckKey | null {
  const match = KEY_PATTERN.exec(name);
  if (!match) return null;
  const part = `${match[2]}${match[3] === 'weight' ? 'Weight' : 'Bias'}` as BottleneckPartName;
  return { layer: Number(match[1]), part };
}

/** Reads our own bottleneck format (plugboard_adapter.json + adapter_model.safetensors). */
export function readPlugboardBottleneck(dir: string, options: ReadAdapterOptions): LoadedBottleneck {
  const { config: model } = options;
  const manifestPath = requireAdapterFile(dir, PLUGBOARD_ADAPTER_FILE);
  const manifest = readJsonFile(manifestPath, PlugboardAdapterManifestSchema, 'ADAPTER_INVALID', { open: options.open });
  if (manifest.hidden_size !== model.hiddenSize) {
    throw new PlugboardError('ADAPTER_INCOMPATIBLE', `${manifestPath}: hidden_size ${manifest.hidden_size} differs from the base model's ${model.hiddenSize}`, {
      details: { expected: model.hiddenSize, actual: manifest.hidden_size },
    });
  }
  const weightsPath = requireAdapterFile(dir, ADAPTER_WEIGHTS_FILE);
  const file = SafetensorsFile.open(weightsPath, { open: options.open });
  try {
    const layers = groupBottleneckKeys(file, parseKey, model.numLayers);
    const listed = [...new Set(manifest.layers)].sort((a, b) => a - b);
    const present = [...layers.keys()].sort((a, b) => a - b);
    if (listed.join(',') !== present.join(',')) {
      throw new PlugboardError('ADAPTER_INVALID', `${manifestPath} lists layers [${listed}] but ${weightsPath} has weights for layers [${present}]`);
    }
    const weights = new Map<number, BottleneckWeights>();
    const dims = { hiddenSize: model.hiddenSize, width: manifest.width };
    for (const layer of present) weights.set(layer, readBottleneckLayer(file, layer, layers.get(layer) as BottleneckLayerKeys, dims));
    return {
      kind: 'adapter',
      name: options.name ?? basename(dir),
      sha256: fileSha256(weightsPath, options.open),
      width: manifest.width,
      activation: manifest.activation,
      weights,
      baseFingerprint: manifest.base_model.fingerprint,
    };
  } finally {
    file.close();
  }
}
