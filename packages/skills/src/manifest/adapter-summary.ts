import { join, relative } from 'node:path';
import { LORA_MODULES } from '@plugboard/core';
import type { LoraModule } from '@plugboard/core';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, PLUGBOARD_ADAPTER_FILE } from '@plugboard/core';
import { PeftLoraConfigSchema } from '@plugboard/core';
import { parsePeftWeightKey } from '@plugboard/core';
import { PlugboardAdapterManifestSchema } from '@plugboard/core';
import { SwiftAdapterConfigSchema } from '@plugboard/core';
import { readAdapterWeightsHeader } from './adapter-weights-header.ts';
import type { AdapterWeightsHeader } from './adapter-weights-header.ts';
import { openerInside, resolveInside } from './contained-path.ts';
import { readJsonInside } from './read-json-inside.ts';
import type { SkillManifest } from './skill-manifest.ts';

/** What a skill's adapter files say, from their JSON configs and safetensors header alone (no weights read). */
export interface AdapterSummary {
  kind: SkillManifest['adapter']['kind'];
  format: SkillManifest['adapter']['format'];
  weights: AdapterWeightsHeader;
  /** layers that hold tensors, ascending */
  layers: number[];
  /** LoRA: the projections adapted; empty for bottleneck adapters */
  modules: LoraModule[];
  /** LoRA: the largest rank the config allows (r, rank_pattern); bottleneck: its width */
  rank: number;
  /** bottleneck: the hidden size its config states; null for LoRA (its shapes are checked per module) */
  hiddenSize: number | null;
  /** base fingerprint the adapter files record (safetensors metadata, or our bottleneck manifest) */
  baseFingerprint: string | null;
}

interface FormatConfig {
  rank: number;
  hiddenSize: number | null;
  baseFingerprint: string | null;
}

/** The capacity parameters the format's own config declares. */
function readFormatConfig(root: string, dir: string, format: SkillManifest['adapter']['format']): FormatConfig {
  const inside = (file: string) => relative(root, join(dir, file));
  switch (format) {
    case 'peft': {
      const config = readJsonInside(root, inside(ADAPTER_CONFIG_FILE), 'ADAPTER_INVALID', PeftLoraConfigSchema);
      return { rank: Math.max(config.r, ...Object.values(config.rank_pattern ?? {})), hiddenSize: null, baseFingerprint: null };
    }
    case 'ms-swift': {
      const config = readJsonInside(root, inside(ADAPTER_CONFIG_FILE), 'ADAPTER_INVALID', SwiftAdapterConfigSchema);
      return { rank: config.adapter_length, hiddenSize: config.dim, baseFingerprint: null };
    }
    case 'plugboard': {
      const manifest = readJsonInside(root, inside(PLUGBOARD_ADAPTER_FILE), 'ADAPTER_INVALID', PlugboardAdapterManifestSchema);
      return { rank: manifest.width, hiddenSize: manifest.hidden_size, baseFingerprint: manifest.base_model.fingerprint };
    }
  }
}

const LAYER_IN_NAME = /(?:^|\.)layers\.(\d+)\./;

function sortedUnique(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * Summarizes the adapter folder `dir` (a real path inside `root`). Reads JSON
 * and the safetensors header only; checks the weights file size against its
 * header (ADAPTER_INVALID), and that every file stays inside the package.
 */
export function summarizeAdapter(root: string, dir: string, adapter: SkillManifest['adapter']): AdapterSummary {
  const config = readFormatConfig(root, dir, adapter.format);
  const weightsPath = resolveInside(root, relative(root, join(dir, ADAPTER_WEIGHTS_FILE)), 'adapter weights');
  const weights = readAdapterWeightsHeader(weightsPath, openerInside(root, 'adapter weights', 'ADAPTER_INVALID'));
  const names = weights.tensors.map((t) => t.name);
  const lora = adapter.kind === 'lora' ? names.map(parsePeftWeightKey).filter((key) => key !== null) : [];
  const layers = sortedUnique(names.map((name) => LAYER_IN_NAME.exec(name)?.[1]).filter((l) => l !== undefined).map(Number));
  return {
    kind: adapter.kind,
    format: adapter.format,
    weights,
    layers,
    modules: LORA_MODULES.filter((module) => lora.some((key) => key.module === module)),
    rank: config.rank,
    hiddenSize: config.hiddenSize,
    baseFingerprint: weights.baseFingerprint ?? config.baseFingerprint,
  };
}
