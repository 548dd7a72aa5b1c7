import { PlugboardError, createAdapterBank, loadModel, readModelConfig } from '@plugboard/core';
import type { AdapterBank, AdapterSlotLayout, LoadModelHooks, LoadModelOptions, LoadedAdapter, LoraModule, Model } from '@plugboard/core';
import { SkillAdapters } from './skill-adapters.ts';
import { readSkillAdapter } from '@plugboard/skills';
import type { SkillRegistry } from '@plugboard/skills';

/** A model loaded with adapter slots that fit a set of skills, its bank, and the skills' adapters in it. */
export interface SkillModel {
  model: Model;
  bank: AdapterBank;
  adapters: SkillAdapters;
}

/**
 * Slots for every skill at once (plus slot 0, the base): LoRA at the largest
 * rank over the union of modules, bottleneck at the largest width. Bottleneck
 * skills must share one activation, since the graph applies one.
 */
export function slotLayoutFor(adapters: readonly LoadedAdapter[]): AdapterSlotLayout | null {
  if (adapters.length === 0) return null;
  const loras = adapters.filter((a) => a.kind === 'lora');
  const bottlenecks = adapters.filter((a) => a.kind === 'adapter');
  const layout: AdapterSlotLayout = { slots: adapters.length + 1 };
  if (loras.length > 0) {
    const modules = new Set<LoraModule>(loras.flatMap((a) => a.modules));
    layout.lora = { rank: Math.max(...loras.map((a) => a.rank)), modules: [...modules] };
  }
  if (bottlenecks.length > 0) {
    const activations = new Set(bottlenecks.map((a) => a.activation));
    if (activations.size > 1) {
      throw new PlugboardError('UNSUPPORTED_FEATURE', `bottleneck skills with different activations (${[...activations].join(', ')}) cannot share one model; use one activation per skill set`);
    }
    layout.bottleneck = { width: Math.max(...bottlenecks.map((a) => a.width)), activation: bottlenecks[0]!.activation };
  }
  return layout;
}

/** Loads `modelDir` with slots sized for every skill in `registry` (their adapters are read once to size them). */
export async function loadModelForSkills(modelDir: string, registry: SkillRegistry, options: LoadModelOptions & LoadModelHooks = {}): Promise<SkillModel> {
  const config = readModelConfig(modelDir);
  const layout = slotLayoutFor(registry.list().map((skill) => readSkillAdapter(skill, { config })));
  const model = await loadModel(modelDir, { ...options, adapters: layout });
  const bank = createAdapterBank(model);
  return { model, bank, adapters: new SkillAdapters(registry, bank, { config: model.config, fingerprint: model.weightsFingerprint }) };
}
