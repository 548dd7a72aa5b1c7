import { PlugboardError } from '../../../errors/plugboard-error.ts';
import type { SafetensorsFile } from '../../../hf/safetensors-file.ts';
import type { TensorToWrite } from '../../../hf/safetensors-writer.ts';
import type { StoredDType } from '../../../hf/weight-source.ts';
import type { BottleneckWeights, LoadedBottleneck } from '../loaded-bottleneck.ts';
import { checkFinite } from '../../formats/check-finite.ts';
import { transpose } from '../../../tensor/transpose.ts';

/**
 * A bottleneck adapter is two torch nn.Linear layers, and both formats we read
 * store them that way: down.weight [m, d], down.bias [m], up.weight [d, m],
 * up.bias [d]. This file turns those into BottleneckWeights (down [d, m],
 * up [m, d], the graph's x·W orientation) and back.
 */
export const BOTTLENECK_PARTS = ['downWeight', 'downBias', 'upWeight', 'upBias'] as const;
export type BottleneckPartName = (typeof BOTTLENECK_PARTS)[number];

/** The tensor name of each part of one layer, as found in a file. */
export type BottleneckLayerKeys = Partial<Record<BottleneckPartName, string>>;

/** What a bottleneck writer takes: a LoadedBottleneck, or any object with these fields. */
export type BottleneckSource = Pick<LoadedBottleneck, 'width' | 'activation' | 'weights'> & { baseFingerprint?: string | null };

export interface ParsedBottleneckKey {
  layer: number;
  part: BottleneckPartName;
}

/**
 * Groups a file's tensors by layer. `parse` returns null for a tensor that is
 * no part of a bottleneck adapter, which is refused (never ignored). Layers past
 * the base model are ADAPTER_INCOMPATIBLE.
 */
export function groupBottleneckKeys(
  file: SafetensorsFile,
  parse: (name: string) => ParsedBottleneckKey | null,
  numLayers: number,
): Map<number, BottleneckLayerKeys> {
  const layers = new Map<number, BottleneckLayerKeys>();
  for (const name of file.names()) {
    const parsed = parse(name);
    if (!parsed) {
      throw new PlugboardError('UNSUPPORTED_FEATURE', `${file.path} holds tensor "${name}", which is not part of a bottleneck adapter after the MLP`, {
        details: { tensor: name },
      });
    }
    if (parsed.layer >= numLayers) {
      throw new PlugboardError('ADAPTER_INCOMPATIBLE', `${file.path}: tensor "${name}" is for layer ${parsed.layer} but the base model has ${numLayers} layers`, {
        details: { tensor: name, layer: parsed.layer },
      });
    }
    const keys = layers.get(parsed.layer) ?? {};
    if (keys[parsed.part] !== undefined) {
      throw new PlugboardError('ADAPTER_INVALID', `${file.path} holds layer ${parsed.layer}'s ${parsed.part} twice ("${keys[parsed.part]}", "${name}")`);
    }
    keys[parsed.part] = name;
    layers.set(parsed.layer, keys);
  }
  if (layers.size === 0) throw new PlugboardError('ADAPTER_INVALID', `${file.path} holds no adapter tensors`);
  return layers;
}

function expectedShapes(hiddenSize: number, width: number): Record<BottleneckPartName, number[]> {
  return { downWeight: [width, hiddenSize], downBias: [width], upWeight: [hiddenSize, width], upBias: [hiddenSize] };
}

/** Which axis of each part is the model's hidden size (down_bias has none). */
const HIDDEN_AXIS: Record<BottleneckPartName, number | null> = { downWeight: 1, downBias: null, upWeight: 0, upBias: 0 };

/** A hidden-size mismatch means another base model (INCOMPATIBLE); a rank or width mismatch, a broken adapter (INVALID). */
function shapeError(path: string, name: string, part: BottleneckPartName, actual: number[], expected: number[], hiddenSize: number): PlugboardError {
  const axis = HIDDEN_AXIS[part];
  const otherModel = actual.length === expected.length && axis !== null && actual[axis] !== hiddenSize;
  return new PlugboardError(
    otherModel ? 'ADAPTER_INCOMPATIBLE' : 'ADAPTER_INVALID',
    `${path}: "${name}" has shape [${actual}] but needs [${expected}]` +
      (otherModel ? ` for this base model (hidden size ${hiddenSize}): the adapter was trained on a different model` : ''),
    { details: { tensor: name, expected, actual } },
  );
}

/** Reads and checks one layer's four tensors; hidden size mismatches are ADAPTER_INCOMPATIBLE, width mismatches ADAPTER_INVALID. */
export function readBottleneckLayer(
  file: SafetensorsFile,
  layer: number,
  keys: BottleneckLayerKeys,
  dims: { hiddenSize: number; width: number },
): BottleneckWeights {
  const expected = expectedShapes(dims.hiddenSize, dims.width);
  const values = {} as Record<BottleneckPartName, Float32Array>;
  for (const part of BOTTLENECK_PARTS) {
    const name = keys[part];
    if (name === undefined) {
      throw new PlugboardError('ADAPTER_INVALID', `${file.path}: layer ${layer}'s adapter has no ${part} tensor (it needs down and up weights and biases)`, {
        details: { layer, part },
      });
    }
    const shape = file.info(name).shape;
    if (shape.join(',') !== expected[part].join(',')) throw shapeError(file.path, name, part, shape, expected[part], dims.hiddenSize);
    values[part] = file.float32(name);
    checkFinite(values[part], name, file.path);
  }
  return {
    down: transpose(values.downWeight, dims.width, dims.hiddenSize),
    downBias: values.downBias,
    up: transpose(values.upWeight, dims.hiddenSize, dims.width),
    upBias: values.upBias,
  };
}

/** The hidden size of a bottleneck adapter (its up bias length), after checking every layer's sizes agree. */
export function checkBottleneckSource(adapter: BottleneckSource): number {
  const first = adapter.weights.values().next().value;
  if (!first) throw new PlugboardError('ADAPTER_INVALID', 'the bottleneck adapter to write has no layers');
  const d = first.upBias.length;
  const m = adapter.width;
  for (const [layer, w] of adapter.weights) {
    if (!Number.isInteger(layer) || layer < 0) throw new PlugboardError('INVALID_ARGUMENT', `bottleneck layer index ${layer} is not a non-negative integer`);
    const sizes = [w.down.length, w.downBias.length, w.up.length, w.upBias.length];
    if (sizes.join(',') !== [d * m, m, m * d, d].join(',')) {
      throw new PlugboardError('ADAPTER_INVALID', `layer ${layer}: down/down_bias/up/up_bias hold ${sizes} values; width ${m}, hidden ${d} needs ${[d * m, m, m * d, d]}`);
    }
    for (const [part, values] of Object.entries(w)) checkFinite(values as Float32Array, `layer ${layer} ${part}`, 'the adapter to write');
  }
  return d;
}

/** The adapter as nn.Linear tensors (layers in order), named by `name`. */
export function bottleneckLinearTensors(
  adapter: BottleneckSource,
  hiddenSize: number,
  name: (layer: number, part: BottleneckPartName) => string,
  dtype: StoredDType,
): TensorToWrite[] {
  const m = adapter.width;
  const d = hiddenSize;
  const layers = [...adapter.weights.keys()].sort((a, b) => a - b);
  return layers.flatMap((layer) => {
    const w = adapter.weights.get(layer) as BottleneckWeights;
    return [
      { name: name(layer, 'downWeight'), dtype, shape: [m, d], values: transpose(w.down, d, m) },
      { name: name(layer, 'downBias'), dtype, shape: [m], values: w.downBias },
      { name: name(layer, 'upWeight'), dtype, shape: [d, m], values: transpose(w.up, m, d) },
      { name: name(layer, 'upBias'), dtype, shape: [d], values: w.upBias },
    ];
  });
}
