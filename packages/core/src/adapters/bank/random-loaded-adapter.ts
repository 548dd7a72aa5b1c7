import { createHash } from 'node:crypto';
import type { ModelConfig } from '../../hf/config.ts';
import { randomBottleneck } from '../bottleneck/formats/write-random-bottleneck.ts';
import type { RandomBottleneckOptions } from '../bottleneck/formats/write-random-bottleneck.ts';
import { randomPeftLora } from '../lora/peft/write-random-peft-lora.ts';
import type { RandomPeftLoraOptions } from '../lora/peft/write-random-peft-lora.ts';
import { toLoadedLora } from '../lora/peft/to-loaded-lora.ts';
import type { LoadedBottleneck } from '../bottleneck/loaded-bottleneck.ts';
import type { LoadedLora } from '../lora/loaded-lora.ts';

/** sha256 over the arrays' bytes in order: the content id of an adapter that never was a file. */
function sha256Of(arrays: Float32Array[]): string {
  const hash = createHash('sha256');
  for (const a of arrays) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.digest('hex');
}

/** The formats' random LoRA options, named and without a file. */
export type RandomLoadedLoraOptions = Omit<RandomPeftLoraOptions, 'config' | 'alpha' | 'dtype'> & { name?: string };

/** The formats' seeded random PEFT LoRA (alpha = rank, so scaling 1) in the bank's form, without a file. */
export function randomLoadedLora(config: ModelConfig, options: RandomLoadedLoraOptions): LoadedLora {
  const source = randomPeftLora({ config, alpha: options.rank, ...options });
  return toLoadedLora({
    ...source,
    name: options.name ?? `random-lora-${options.seed}`,
    sha256: sha256Of([...source.weights.values()].flatMap((w) => [w.a, w.b])),
  });
}

/** The formats' random bottleneck options, named and without a file. */
export type RandomLoadedBottleneckOptions = Omit<RandomBottleneckOptions, 'config' | 'format' | 'dtype'> & { name?: string };

/** The formats' seeded random bottleneck adapter in the bank's form, without a file. */
export function randomLoadedBottleneck(config: ModelConfig, options: RandomLoadedBottleneckOptions): LoadedBottleneck {
  const source = randomBottleneck({ config, ...options });
  return {
    kind: 'adapter',
    name: options.name ?? `random-adapter-${options.seed}`,
    sha256: sha256Of([...source.weights.values()].flatMap((w) => [w.down, w.downBias, w.up, w.upBias])),
    width: source.width,
    activation: source.activation,
    weights: source.weights,
    baseFingerprint: source.baseFingerprint ?? null,
  };
}
