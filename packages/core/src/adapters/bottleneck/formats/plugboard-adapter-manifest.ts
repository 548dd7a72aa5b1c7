import { z } from 'zod';
import { BOTTLENECK_ACTIVATIONS } from '../bottleneck-spec.ts';

/**
 * `plugboard_adapter.json`: our manifest for adapter layouts PEFT has no
 * format for. Its `adapter_model.safetensors` holds, per layer i,
 * `layers.{i}.adapter.down.weight` [width, hidden], `.down.bias` [width],
 * `.up.weight` [hidden, width], `.up.bias` [hidden] (torch nn.Linear
 * orientation, so the tensors load into PyTorch as they are).
 */
export const PlugboardAdapterManifestSchema = z.object({
  format: z.literal('plugboard-adapter'),
  version: z.literal(1),
  kind: z.literal('bottleneck'),
  width: z.number().int().positive(),
  activation: z.enum(BOTTLENECK_ACTIVATIONS),
  hidden_size: z.number().int().positive(),
  layers: z.array(z.number().int().nonnegative()).min(1),
  base_model: z.object({
    /** e.g. "Qwen/Qwen2.5-0.5B-Instruct" */
    name: z.string().nullable(),
    /** WeightSource.fingerprint() of the weights it was trained on */
    fingerprint: z.string().nullable(),
  }),
});

export type PlugboardAdapterManifest = z.infer<typeof PlugboardAdapterManifestSchema>;

export function plugboardBottleneckKey(layer: number, linear: 'down' | 'up', kind: 'weight' | 'bias'): string {
  return `layers.${layer}.adapter.${linear}.${kind}`;
}
