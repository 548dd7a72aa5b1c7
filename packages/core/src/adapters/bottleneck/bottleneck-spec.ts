import { z } from 'zod';
import { LayerSelectionSchema } from '../layer-selection.ts';

export const BOTTLENECK_ACTIVATIONS = ['gelu', 'relu', 'silu'] as const;
export type BottleneckActivation = (typeof BOTTLENECK_ACTIVATIONS)[number];

/**
 * A bottleneck Adapter (Houlsby / ms-swift) after the MLP of some layers
 * (LISA: a few chosen layers): h + up(act(h·down + down_bias)) + up_bias,
 * `width` wide. The one schema of the kind: training graphs and slot
 * layouts take it whole, method options add defaults to its fields, and
 * the formats' files are checked against its fields.
 */
export const BottleneckSpecSchema = z.object({
  width: z.number().int().positive(),
  activation: z.enum(BOTTLENECK_ACTIVATIONS).default('gelu'),
  /** layers that carry the adapter; all layers when omitted */
  layers: LayerSelectionSchema,
});
export type BottleneckSpec = z.infer<typeof BottleneckSpecSchema>;
export type BottleneckSpecInput = z.input<typeof BottleneckSpecSchema>;
