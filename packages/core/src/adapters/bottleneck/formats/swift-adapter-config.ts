import { z } from 'zod';
import { PlugboardError } from '../../../errors/plugboard-error.ts';
import type { BottleneckActivation } from '../bottleneck-spec.ts';

/**
 * ms-swift's AdapterConfig (swift/tuners/adapter.py), as its adapter_config.json
 * stores it. Checked against ms-swift's source: each targeted module gets an
 * `adapter_{name}` AdapterModule holding `linear1 = nn.Linear(dim, adapter_length)`,
 * `act = ACT2CLS[act_layer]()` and `linear2 = nn.Linear(adapter_length, dim)`,
 * and the module's forward output h is replaced by h + linear2(act(linear1(h))).
 * On a Llama-family `model.layers.{i}.mlp` that is exactly our bottleneck slot
 * (DESIGN.md: h' = h + up(act(down(h))) after the MLP). target_modules is a
 * regex (re.fullmatch) or a list matched with str.endswith.
 */
export const SwiftAdapterConfigSchema = z
  .looseObject({
    swift_type: z.string().nullish(),
    peft_type: z.string().nullish(),
    dim: z.number().int().positive(),
    adapter_length: z.number().int().positive().default(128),
    act_layer: z.string().default('gelu'),
    target_modules: z.union([z.string(), z.array(z.string())]),
    method_name: z.string().default('forward'),
    hidden_pos: z.union([z.string(), z.number().int()]).nullish(),
  })
  .refine((c) => (c.swift_type ?? c.peft_type) === 'ADAPTER', { message: 'swift_type (or peft_type) must be "ADAPTER"', path: ['swift_type'] });

export type SwiftAdapterConfig = z.infer<typeof SwiftAdapterConfigSchema>;

/** transformers' ACT2CLS names whose function our slots compute exactly (gelu is the erf form there too). */
const ACTIVATION_BY_ACT_LAYER: Record<string, BottleneckActivation> = { gelu: 'gelu', relu: 'relu', silu: 'silu', swish: 'silu' };

export function swiftActivation(actLayer: string, source: string): BottleneckActivation {
  const activation = ACTIVATION_BY_ACT_LAYER[actLayer];
  if (activation) return activation;
  throw new PlugboardError(
    'UNSUPPORTED_FEATURE',
    `${source}: act_layer "${actLayer}" is not supported; bottleneck adapters may use ${Object.keys(ACTIVATION_BY_ACT_LAYER).join(', ')}`,
    { details: { field: 'act_layer', value: actLayer } },
  );
}

/** The module path ms-swift matches for layer i's MLP. */
export function swiftMlpPath(layer: number): string {
  return `model.layers.${layer}.mlp`;
}
