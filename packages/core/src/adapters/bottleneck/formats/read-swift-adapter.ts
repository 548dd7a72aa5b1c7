import { basename } from 'node:path';
import { PlugboardError } from '../../../errors/plugboard-error.ts';
import { readJsonFile } from '../../../hf/read-json-file.ts';
import { SafetensorsFile } from '../../../hf/safetensors-file.ts';
import type { BottleneckWeights, LoadedBottleneck } from '../loaded-bottleneck.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, BASE_FINGERPRINT_METADATA_KEY, requireAdapterFile } from '../../formats/adapter-files.ts';
import { groupBottleneckKeys, readBottleneckLayer } from './bottleneck-linears.ts';
import type { BottleneckLayerKeys, BottleneckPartName, ParsedBottleneckKey } from './bottleneck-linears.ts';
import { fileSha256 } from '../../formats/file-sha256.ts';
import { fullMatchRegExp } from '../../formats/python-regex.ts';
import type { ReadAdapterOptions } from '../../formats/adapter-io-types.ts';
import { SwiftAdapterConfigSchema, swiftActivation, swiftMlpPath } from './swift-adapter-config.ts';
import type { SwiftAdapterConfig } from './swift-adapter-config.ts';

/** `[prefix.]layers.{i}.{module}.adapter_{name}.linear1|linear2.weight|bias`; the prefix varies with the wrapper that saved it. */
const KEY_PATTERN = /(?:^|\.)layers\.(\d+)\.([\w.]+?)\.adapter_([^.]+)\.(linear1|linear2)\.(weight|bias)$/;
const PART: Record<string, BottleneckPartName> = {
  'linear1.weight': 'downWeight',
  'linear1.bias': 'downBias',
  'linear2.weight': 'upWeight',
  'linear2.bias': 'upBias',
};

function keyParser(path: string): (name: string) => ParsedBottleneckKey | null {
  const adapterNames = new Set<string>();
  return (name) => {
    const match = KEY_PATTERN.exec(name);
    if (!match) return null;
    const [, layer, module, adapterName, linear, kind] = match as unknown as string[];
    if (module !== 'mlp') {
      throw new PlugboardError('UNSUPPORTED_FEATURE', `${path}: "${name}" is an adapter on ${module}; only adapters after the MLP (…mlp.adapter_*) can be loaded`, {
        details: { tensor: name, module },
      });
    }
    adapterNames.add(adapterName as string);
    if (adapterNames.size > 1) {
      throw new PlugboardError('ADAPTER_INVALID', `${path} mixes adapters named ${[...adapterNames].join(', ')}; save each adapter in its own folder`);
    }
    return { layer: Number(layer), part: PART[`${linear}.${kind}`] as BottleneckPartName };
  };
}

function targetsMlp(config: SwiftAdapterConfig, layer: number, configPath: string): boolean {
  const path = swiftMlpPath(layer);
  const target = config.target_modules;
  return typeof target === 'string' ? fullMatchRegExp(target, 'target_modules', configPath).test(path) : target.some((t) => path.endsWith(t));
}

/** The layers with weights must be exactly the MLPs target_modules selects. */
function checkCoverage(config: SwiftAdapterConfig, layers: Map<number, BottleneckLayerKeys>, numLayers: number, configPath: string): void {
  for (const layer of layers.keys()) {
    if (!targetsMlp(config, layer, configPath)) {
      throw new PlugboardError('ADAPTER_INVALID', `${configPath}: the weights have an adapter on ${swiftMlpPath(layer)}, which target_modules does not select`);
    }
  }
  for (let layer = 0; layer < numLayers; layer++) {
    if (targetsMlp(config, layer, configPath) && !layers.has(layer)) {
      throw new PlugboardError('ADAPTER_INVALID', `${configPath}: target_modules selects ${swiftMlpPath(layer)} but the weights have no adapter for it`);
    }
  }
}

/** Reads an ms-swift Adapter (Houlsby bottleneck after the MLP) folder into the slot-ready form. */
export function readSwiftAdapter(dir: string, options: ReadAdapterOptions): LoadedBottleneck {
  const { config: model } = options;
  const configPath = requireAdapterFile(dir, ADAPTER_CONFIG_FILE);
  const config = readJsonFile(configPath, SwiftAdapterConfigSchema, 'ADAPTER_INVALID', { open: options.open });
  const activation = swiftActivation(config.act_layer, configPath);
  if (config.method_name !== 'forward') {
    throw new PlugboardError('UNSUPPORTED_FEATURE', `${configPath}: method_name "${config.method_name}" is not supported; the adapter must wrap the MLP's forward`, {
      details: { field: 'method_name' },
    });
  }
  if (config.dim !== model.hiddenSize) {
    throw new PlugboardError('ADAPTER_INCOMPATIBLE', `${configPath}: dim ${config.dim} differs from the base model's hidden size ${model.hiddenSize}`, {
      details: { expected: model.hiddenSize, actual: config.dim },
    });
  }
  const weightsPath = requireAdapterFile(dir, ADAPTER_WEIGHTS_FILE);
  const file = SafetensorsFile.open(weightsPath, { open: options.open });
  try {
    const layers = groupBottleneckKeys(file, keyParser(weightsPath), model.numLayers);
    checkCoverage(config, layers, model.numLayers, configPath);
    const weights = new Map<number, BottleneckWeights>();
    const dims = { hiddenSize: model.hiddenSize, width: config.adapter_length };
    for (const layer of [...layers.keys()].sort((a, b) => a - b)) {
      weights.set(layer, readBottleneckLayer(file, layer, layers.get(layer) as BottleneckLayerKeys, dims));
    }
    return {
      kind: 'adapter',
      name: options.name ?? basename(dir),
      sha256: fileSha256(weightsPath, options.open),
      width: config.adapter_length,
      activation,
      weights,
      baseFingerprint: file.metadata[BASE_FINGERPRINT_METADATA_KEY] ?? null,
    };
  } finally {
    file.close();
  }
}
