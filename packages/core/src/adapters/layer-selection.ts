import { z } from 'zod';
import type { ModelConfig } from '../hf/config.ts';

/**
 * Which decoder layers carry an adapter, for either kind: every layer when
 * omitted. LISA is this selection (the top-k layers by importance), not a
 * kind of its own.
 */
export const LayerSelectionSchema = z.array(z.number().int().nonnegative()).optional();

/** The layers a LoRA or bottleneck spec (or slot layout) selects. */
export function adapterLayers(config: ModelConfig, spec: { layers?: readonly number[] | undefined } | undefined): number[] {
  return spec?.layers ? [...spec.layers] : Array.from({ length: config.numLayers }, (_, i) => i);
}
