import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom, deriveSeed } from '@plugboard/core';
import type { BottleneckActivation, LoraModule, ModelConfig } from '@plugboard/core';
import { writeRandomBottleneck } from '@plugboard/core/testing';
import { writeRandomPeftLora } from '@plugboard/core/testing';
import type { GenerationDefaults } from './generation-defaults.ts';
import { PACKAGE_JSON_FILE, PACKAGE_MANIFEST_FIELD, SKILL_MANIFEST_FILE } from './read-manifest.ts';
import { parseSkillManifest } from './parse-manifest.ts';
import type { SkillManifest } from './skill-manifest.ts';

export interface FixtureSkillOptions {
  /** the base model the adapter is shaped for */
  config: ModelConfig;
  name?: string;
  /** `lora` (PEFT) or `adapter` (bottleneck, our layout or ms-swift's) */
  kind?: 'lora' | 'adapter';
  /** bottleneck layout (default plugboard) */
  format?: 'plugboard' | 'ms-swift';
  /** LoRA rank or bottleneck width (default 4) */
  rank?: number;
  /** LoRA modules (default q and v) */
  modules?: readonly LoraModule[];
  activation?: BottleneckActivation;
  /** a LISA-sparse skill on these layers (with an importance score per base layer); all layers when omitted */
  layers?: readonly number[];
  seed?: number;
  examples?: readonly string[];
  keywords?: readonly string[];
  /** `routing.outOfScope`: texts that are not this skill's */
  outOfScope?: readonly string[];
  systemPrompt?: string;
  tools?: readonly string[];
  generation?: GenerationDefaults;
  baseModelName?: string;
  /** written into the manifest and the adapter metadata */
  baseFingerprint?: string;
  /** adapter folder inside the package (default "adapter") */
  adapterPath?: string;
  /** where the manifest goes: skill.json (default) or the `plugboard` field of package.json */
  manifestIn?: 'skill.json' | 'package.json';
}

export interface FixtureSkill {
  dir: string;
  manifest: SkillManifest;
  /** sha256 of the adapter weights file */
  sha256: string;
}

/** Probe-like scores: the chosen layers score highest, so they are the top-k a LISA probe would pick. */
function fixtureImportance(numLayers: number, layers: readonly number[], seed: number): number[] {
  const random = new SeededRandom(deriveSeed(seed, 'lisa-importance'));
  return Array.from({ length: numLayers }, (_, layer) => random.next() + (layers.includes(layer) ? 1 : 0));
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes a real skill package folder: a manifest plus adapter files with
 * seeded random weights, shaped for `config`. The same options give the same
 * bytes. For tests, examples and benchmarks.
 */
export function writeFixtureSkill(dir: string, options: FixtureSkillOptions): FixtureSkill {
  const name = options.name ?? 'fixture-skill';
  const kind = options.kind ?? 'lora';
  const seed = options.seed ?? 0;
  const rank = options.rank ?? 4;
  const adapterPath = options.adapterPath ?? 'adapter';
  const format = kind === 'lora' ? 'peft' : (options.format ?? 'plugboard');
  const common = { config: options.config, layers: options.layers, seed, baseFingerprint: options.baseFingerprint ?? null };
  const written =
    kind === 'lora'
      ? writeRandomPeftLora(join(dir, adapterPath), { ...common, rank, alpha: 2 * rank, modules: options.modules ?? ['q', 'v'] })
      : writeRandomBottleneck(join(dir, adapterPath), {
          ...common,
          width: rank,
          activation: options.activation ?? 'gelu',
          format: format === 'ms-swift' ? 'swift' : 'plugboard',
        });
  const manifest = parseSkillManifest(
    {
      name,
      version: '1.0.0',
      description: `fixture skill ${name}`,
      adapter: { kind, path: adapterPath, format },
      baseModel: { name: options.baseModelName ?? 'fixture-base', fingerprint: options.baseFingerprint },
      routing: { examples: options.examples ?? [`a request for ${name}`], keywords: options.keywords, outOfScope: options.outOfScope },
      systemPrompt: options.systemPrompt ?? `You are the ${name} skill.`,
      tools: options.tools,
      generation: options.generation ?? {},
      lisa: options.layers ? { layers: [...options.layers], importance: fixtureImportance(options.config.numLayers, options.layers, seed) } : undefined,
    },
    `fixture skill "${name}"`,
  );
  mkdirSync(dir, { recursive: true });
  if (options.manifestIn === 'package.json') {
    const { name: _name, version, description, ...rest } = manifest;
    writeJson(join(dir, PACKAGE_JSON_FILE), { name, version, description, main: 'index.js', [PACKAGE_MANIFEST_FIELD]: rest });
  } else {
    writeJson(join(dir, SKILL_MANIFEST_FILE), manifest);
  }
  return { dir, manifest, sha256: written.sha256 };
}
