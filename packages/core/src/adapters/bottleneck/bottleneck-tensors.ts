import type { ModelConfig } from '../../hf/config.ts';
import { adapterLayers } from '../layer-selection.ts';
import type { BottleneckSpec } from './bottleneck-spec.ts';

export const BOTTLENECK_PARTS = ['down', 'down_bias', 'up', 'up_bias'] as const;
export type BottleneckPart = (typeof BOTTLENECK_PARTS)[number];

/**
 * A bottleneck Adapter's tensors, one convention for the training and the
 * inference graph: `adapter.{i}.down` [d, m], `.down_bias` [m], `.up` [m, d],
 * `.up_bias` [d] (x·down orientation). The training graph takes one
 * adapter's; the inference graph N stacked slots ([N, d, m] …, zero padded
 * past an adapter's width). The formats' files hold torch nn.Linear
 * orientation ([out, in]): their readers and writers transpose.
 */
export function bottleneckInputName(layer: number, part: BottleneckPart): string {
  return `adapter.${layer}.${part}`;
}

/** One layer's adapter values in a graph: down [.., d, m], down_bias [.., m], up [.., m, d], up_bias [.., d]. */
export interface BottleneckValues {
  down: string;
  downBias: string;
  up: string;
  upBias: string;
}

/** Layer `layer`'s tensor names: the training graph's parameters, the inference graph's slot inputs. */
export function bottleneckInputNames(layer: number): BottleneckValues {
  return {
    down: bottleneckInputName(layer, 'down'),
    downBias: bottleneckInputName(layer, 'down_bias'),
    up: bottleneckInputName(layer, 'up'),
    upBias: bottleneckInputName(layer, 'up_bias'),
  };
}

export interface BottleneckTensorSpec {
  name: string;
  layer: number;
  part: BottleneckPart;
  /** one adapter's dims */
  dims: number[];
}

/** Every bottleneck tensor the spec puts in a graph, layer by layer, in BOTTLENECK_PARTS order. */
export function bottleneckTensorSpecs(config: ModelConfig, spec: Pick<BottleneckSpec, 'width' | 'layers'>): BottleneckTensorSpec[] {
  const d = config.hiddenSize;
  const m = spec.width;
  const dims: Record<BottleneckPart, number[]> = { down: [d, m], down_bias: [m], up: [m, d], up_bias: [d] };
  return adapterLayers(config, spec).flatMap((layer) =>
    BOTTLENECK_PARTS.map((part) => ({ name: bottleneckInputName(layer, part), layer, part, dims: dims[part] })),
  );
}
