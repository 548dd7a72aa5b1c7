import type { ModelConfig } from '../../../hf/config.ts';
import type { StoredDType } from '../../../hf/weight-source.ts';
import type { BottleneckActivation } from '../bottleneck-spec.ts';
import { SeededRandom, deriveSeed } from '../../../random/seeded-random.ts';
import type { BottleneckWeights } from '../loaded-bottleneck.ts';
import type { BottleneckSource } from './bottleneck-linears.ts';
import { writePlugboardBottleneck } from './write-plugboard-bottleneck.ts';
import { writeSwiftAdapter } from './write-swift-adapter.ts';
import type { WrittenAdapter } from '../../formats/adapter-io-types.ts';

export interface RandomBottleneckOptions {
  config: ModelConfig;
  width: number;
  activation: BottleneckActivation;
  /** LISA-sparse: only these layers; all when omitted */
  layers?: readonly number[];
  seed: number;
  /** std of the weights (default 0.1) */
  scale?: number;
  /** on-disk layout: ours (default) or ms-swift's */
  format?: 'plugboard' | 'swift';
  dtype?: StoredDType;
  baseFingerprint?: string | null;
}

/** Seeded random bottleneck weights; a layer's values depend only on (seed, layer). */
export function randomBottleneck(options: RandomBottleneckOptions): BottleneckSource {
  const { config, width: m } = options;
  const d = config.hiddenSize;
  const scale = options.scale ?? 0.1;
  const layers = options.layers ?? Array.from({ length: config.numLayers }, (_, i) => i);
  const weights = new Map<number, BottleneckWeights>();
  for (const layer of [...layers].sort((a, b) => a - b)) {
    const random = new SeededRandom(deriveSeed(options.seed, `adapter.${layer}`));
    weights.set(layer, {
      down: random.normals(d * m, scale),
      downBias: random.normals(m, scale),
      up: random.normals(m * d, scale),
      upBias: random.normals(d, scale),
    });
  }
  return { width: m, activation: options.activation, weights, baseFingerprint: options.baseFingerprint ?? null };
}

/** Writes a real bottleneck adapter folder (ours or ms-swift's layout) with seeded random weights. */
export function writeRandomBottleneck(dir: string, options: RandomBottleneckOptions): WrittenAdapter {
  const adapter = randomBottleneck(options);
  const write = options.format === 'swift' ? writeSwiftAdapter : writePlugboardBottleneck;
  return write(dir, adapter, { dtype: options.dtype });
}
