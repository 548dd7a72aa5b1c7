import { PlugboardError } from '../../errors/plugboard-error.ts';
import type { ModelConfig } from '../../hf/config.ts';
import { adapterLayers } from '../layer-selection.ts';
import { moduleFeatures } from '../lora/lora-modules.ts';
import type { AdapterSlotLayout } from '../../model/adapter-slots.ts';
import type { LoraModule } from '../lora/lora-modules.ts';
import { checkFinite } from '../formats/check-finite.ts';
import { checkBottleneckMagnitude, checkLoraMagnitude } from './adapter-magnitude.ts';
import { parseLoraKey } from '../lora/parse-lora-key.ts';
import type { LoadedAdapter } from '../loaded-adapter.ts';
import type { LoadedBottleneck } from '../bottleneck/loaded-bottleneck.ts';
import type { LoadedLora } from '../lora/loaded-lora.ts';

/** What an adapter is checked against before it may enter a slot. */
export interface BankTarget {
  config: ModelConfig;
  layout: AdapterSlotLayout;
  weightsFingerprint: string;
  /** Frobenius norm of each base weight (HF name); adapter deltas are bounded against them */
  baseWeightNorms: ReadonlyMap<string, number>;
}

/**
 * Checks that `adapter` fits the model and the slot layout: layers, modules,
 * rank/width, activation, shapes, base fingerprint, finite weights, a delta
 * not absurdly larger than the base weights. Throws ADAPTER_INCOMPATIBLE
 * (fits another model or layout), ADAPTER_INVALID (inconsistent or
 * non-finite weights) or NUMERIC_ERROR (absurd magnitude); touches nothing.
 */
export function validateForBank(adapter: LoadedAdapter, target: BankTarget, baseFingerprint?: string): void {
  if (!/^[0-9a-f]{64}$/.test(adapter.sha256)) {
    throw invalid(adapter, `sha256 "${adapter.sha256}" is not 64 lowercase hex digits; load adapters through readAdapter()`);
  }
  checkFingerprint(adapter, target.weightsFingerprint, baseFingerprint);
  if (adapter.kind === 'lora') {
    validateLora(adapter, target);
    checkLoraMagnitude(adapter, target.baseWeightNorms);
  } else {
    validateBottleneck(adapter, target);
    checkBottleneckMagnitude(adapter, target.baseWeightNorms);
  }
}

function checkFingerprint(adapter: LoadedAdapter, modelFingerprint: string, stated: string | undefined): void {
  for (const fingerprint of [stated, adapter.baseFingerprint]) {
    if (fingerprint !== undefined && fingerprint !== null && fingerprint !== modelFingerprint) {
      throw incompatible(
        adapter,
        `it was made for base weights with fingerprint ${fingerprint}, but the loaded model's is ${modelFingerprint}; use the base model it was trained on`,
      );
    }
  }
}

function validateLora(adapter: LoadedLora, { config, layout }: BankTarget): void {
  const slots = layout.lora;
  if (!slots) throw incompatible(adapter, 'the model was loaded without LoRA slots; load it with adapters.lora in the layout');
  if (adapter.weights.size === 0) throw invalid(adapter, 'it holds no LoRA weights');
  if (adapter.rank > slots.rank) {
    throw incompatible(adapter, `its rank ${adapter.rank} exceeds the bank's max rank ${slots.rank}; load the model with a larger adapters.lora.rank`);
  }
  const layers = new Set(adapterLayers(config, layout.lora));
  for (const layer of adapter.layers) checkLayer(adapter, layer, config, layers, 'LoRA');
  for (const module of adapter.modules) checkModule(adapter, module, slots.modules);
  for (const [key, w] of adapter.weights) {
    const { layer, module } = parsedKey(adapter, key);
    checkLayer(adapter, layer, config, layers, 'LoRA');
    checkModule(adapter, module, slots.modules);
    const where = `layer ${layer} module ${module}`;
    if (!Number.isInteger(w.rank) || w.rank < 1) throw invalid(adapter, `${where} has rank ${w.rank}`);
    if (w.rank > slots.rank) {
      throw incompatible(adapter, `${where} has rank ${w.rank} above the bank's max rank ${slots.rank}; load the model with a larger adapters.lora.rank`);
    }
    const expected = moduleFeatures(config, module);
    if (w.inFeatures !== expected.inFeatures || w.outFeatures !== expected.outFeatures) {
      throw incompatible(
        adapter,
        `${where} maps ${w.inFeatures} → ${w.outFeatures} features but this model's is ${expected.inFeatures} → ${expected.outFeatures}; the adapter belongs to another base model`,
      );
    }
    checkLength(adapter, `${where} A`, w.a, w.inFeatures * w.rank);
    checkLength(adapter, `${where} B`, w.b, w.rank * w.outFeatures);
    checkFinite(w.a, `${where} A`, source(adapter));
    checkFinite(w.b, `${where} B`, source(adapter));
  }
}

function validateBottleneck(adapter: LoadedBottleneck, { config, layout }: BankTarget): void {
  const slots = layout.bottleneck;
  if (!slots) throw incompatible(adapter, 'the model was loaded without bottleneck adapter slots; load it with adapters.bottleneck in the layout');
  if (adapter.weights.size === 0) throw invalid(adapter, 'it holds no bottleneck weights');
  const m = adapter.width;
  if (!Number.isInteger(m) || m < 1) throw invalid(adapter, `width ${m} is not a positive integer`);
  if (m > slots.width) {
    throw incompatible(adapter, `its width ${m} exceeds the bank's max width ${slots.width}; load the model with a larger adapters.bottleneck.width`);
  }
  if (adapter.activation !== slots.activation) {
    throw incompatible(adapter, `its activation is ${adapter.activation} but the bank's bottleneck slots use ${slots.activation}`);
  }
  const layers = new Set(adapterLayers(config, layout.bottleneck));
  const d = config.hiddenSize;
  for (const [layer, w] of adapter.weights) {
    checkLayer(adapter, layer, config, layers, 'bottleneck');
    const where = `layer ${layer}`;
    checkLength(adapter, `${where} down_bias`, w.downBias, m);
    if (w.down.length !== d * m || w.up.length !== m * d || w.upBias.length !== d) {
      throw incompatible(
        adapter,
        `${where} has down/up/up_bias of ${w.down.length}/${w.up.length}/${w.upBias.length} values; this model (hidden size ${d}, width ${m}) needs ${d * m}/${m * d}/${d}; the adapter belongs to another base model`,
      );
    }
    for (const [part, data] of [['down', w.down], ['down_bias', w.downBias], ['up', w.up], ['up_bias', w.upBias]] as const) {
      checkFinite(data, `${where} ${part}`, source(adapter));
    }
  }
}

function parsedKey(adapter: LoadedAdapter, key: string): { layer: number; module: LoraModule } {
  try {
    return parseLoraKey(key);
  } catch (cause) {
    throw new PlugboardError('ADAPTER_INVALID', `adapter "${adapter.name}" is invalid: weight key "${key}" is not "<layer>.<module>"`, { cause });
  }
}

function checkLayer(adapter: LoadedAdapter, layer: number, config: ModelConfig, slotLayers: Set<number>, kind: string): void {
  if (!Number.isInteger(layer) || layer < 0 || layer >= config.numLayers) {
    throw incompatible(adapter, `it adapts layer ${layer} but the model has layers 0..${config.numLayers - 1}`);
  }
  if (!slotLayers.has(layer)) {
    throw incompatible(adapter, `it adapts layer ${layer} but the bank has ${kind} slots only in layers [${[...slotLayers].join(', ')}]`);
  }
}

function checkModule(adapter: LoadedAdapter, module: LoraModule, slotModules: readonly LoraModule[]): void {
  if (!slotModules.includes(module)) {
    throw incompatible(adapter, `it adapts module "${module}" but the bank's LoRA slots cover [${slotModules.join(', ')}]; load the model with that module in adapters.lora.modules`);
  }
}

function checkLength(adapter: LoadedAdapter, what: string, data: Float32Array, expected: number): void {
  if (data.length !== expected) throw invalid(adapter, `${what} has ${data.length} values where its stated shape needs ${expected}`);
}

function source(adapter: LoadedAdapter): string {
  return `adapter "${adapter.name}"`;
}

function incompatible(adapter: LoadedAdapter, why: string): PlugboardError {
  return new PlugboardError('ADAPTER_INCOMPATIBLE', `adapter "${adapter.name}" does not fit this model: ${why}`, { details: { adapter: adapter.name, sha256: adapter.sha256 } });
}

function invalid(adapter: LoadedAdapter, why: string): PlugboardError {
  return new PlugboardError('ADAPTER_INVALID', `adapter "${adapter.name}" is invalid: ${why}`, { details: { adapter: adapter.name, sha256: adapter.sha256 } });
}
