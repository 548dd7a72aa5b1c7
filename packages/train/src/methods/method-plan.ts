import { PlugboardError, deriveSeed } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';
import { seededPermutation } from '../data/shuffle.ts';
import type { GraphMethod } from '../model/graph-method.ts';
import { adapterParameterShapes } from '../model/parameter-names.ts';
import { allBaseParameterNames, globalParameterNames, layerParameterNames } from './layer-names.ts';
import { autoTopK } from './layer-importance.ts';
import type { LayerImportance } from './layer-importance.ts';
import type { MethodKind, MethodOptions } from './method-options.ts';

/** What a training method means for the graph and the optimizer. */
export interface MethodPlan {
  kind: MethodKind;
  /** adapter parameters the training graph carries */
  graphMethod: GraphMethod;
  /** every parameter the method may ever update (optimizer state, checkpoints, outputs) */
  trainable: string[];
  /** the parameters updated at optimizer step `step` (0-based): the autodiff's wrt list */
  activeAt(step: number): string[];
  /** lisa: the probe's ranking that chose the layers */
  importance?: LayerImportance;
  /** lisa-sampling: the decoder layers unfrozen at a step */
  sampledLayersAt?(step: number): number[];
}

function fixed(kind: MethodKind, graphMethod: GraphMethod, trainable: string[]): MethodPlan {
  return { kind, graphMethod, trainable, activeAt: () => trainable };
}

function adapterPlan(kind: MethodKind, config: ModelConfig, graphMethod: GraphMethod): MethodPlan {
  return fixed(kind, graphMethod, [...adapterParameterShapes(config, graphMethod).keys()]);
}

/** Pan et al. 2024: γ of the L layers, drawn afresh (seeded by the period) every `period` steps. */
function lisaSamplingPlan(config: ModelConfig, gamma: number, period: number, seed: number): MethodPlan {
  const layersAt = (step: number) =>
    seededPermutation(config.numLayers, deriveSeed(seed, `lisa-sampling.${Math.floor(step / period)}`))
      .slice(0, Math.min(gamma, config.numLayers))
      .sort((a, b) => a - b);
  const always = globalParameterNames(config);
  return {
    kind: 'lisa-sampling',
    graphMethod: {},
    trainable: allBaseParameterNames(config),
    activeAt: (step) => [...always, ...layersAt(step).flatMap((layer) => layerParameterNames(config, layer))],
    sampledLayersAt: layersAt,
  };
}

/**
 * The plan of a method. `lisa` needs the probe's ranking (see
 * probeLayerImportance and validation-probes.ts), since its adapter — LoRA or
 * bottleneck — lives only in the top-k layers.
 */
export function planMethod(config: ModelConfig, options: MethodOptions, seed: number, importance?: LayerImportance): MethodPlan {
  switch (options.kind) {
    case 'full':
      return fixed('full', {}, allBaseParameterNames(config));
    case 'lora': {
      const { rank, alpha, useRslora, modules, layers } = options;
      return adapterPlan('lora', config, { lora: { rank, alpha, useRslora, modules, layers } });
    }
    case 'adapter': {
      const { width, activation, layers } = options;
      return adapterPlan('adapter', config, { bottleneck: { width, activation, layers } });
    }
    case 'lisa': {
      if (!importance) throw new PlugboardError('INVALID_ARGUMENT', 'a lisa plan needs the layer-importance probe result: run probeLayerImportance first');
      const topK = options.topK === 'auto' ? autoTopK(importance, options.epsilon) : options.topK;
      const layers = importance.ranking.slice(0, topK).sort((a, b) => a - b);
      const { rank, alpha, useRslora, modules, width, activation } = options;
      const graphMethod: GraphMethod =
        options.adapterKind === 'bottleneck' ? { bottleneck: { width, activation, layers } } : { lora: { rank, alpha, useRslora, modules, layers } };
      return { ...adapterPlan('lisa', config, graphMethod), importance: { ...importance, selected: layers } };
    }
    case 'lisa-sampling':
      return lisaSamplingPlan(config, options.gamma, options.period, seed);
  }
}
