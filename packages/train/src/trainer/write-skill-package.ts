import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PlugboardError, adapterLayers } from '@plugboard/core';
import type { ModelConfig } from '@plugboard/core';
import { SkillNameSchema, loadSkill, writeFolderWhole, writeSkillManifest } from '@plugboard/skills';
import type { GenerationDefaults, SkillManifest, SkillManifestInput } from '@plugboard/skills';
import type { TrainingExample } from '../data/example-schema.ts';
import type { TrainResult } from './trainer.ts';
import { writeTrainedAdapter, writeTrainingReport } from './write-training-output.ts';
import type { OutputOptions } from './write-training-output.ts';

/** Where a package keeps its parts. */
export const SKILL_ADAPTER_DIR = 'adapter';
export const SKILL_REPORT_DIR = 'report';
/** Routing examples taken from the training prompts: enough for a router, few enough to read. */
export const MAX_ROUTE_EXAMPLES = 32;

/** What goes into a trained skill's manifest besides what the training knows. */
export interface SkillPackageInput {
  /** default: the output folder's name */
  name?: string;
  version?: string;
  description?: string;
  /** default: the training prompts (deduplicated, at most MAX_ROUTE_EXAMPLES) */
  routeExamples?: readonly string[];
  outOfScope?: readonly string[];
  keywords?: readonly string[];
  /** the tools the skill may call; absent = every tool */
  tools?: readonly string[];
  systemPrompt?: string;
  generation?: GenerationDefaults;
}

export interface WriteSkillPackageOptions extends SkillPackageInput {
  baseModelName: string;
  /** the full 64-hex fingerprint of the base weights */
  baseFingerprint: string;
  /** the examples the skill was trained on: routing examples come from their prompts unless given */
  examples?: readonly TrainingExample[];
  metrics?: OutputOptions['metrics'];
}

/**
 * The fields of an existing manifest (a `plugboard skill init` template, or
 * the skill being retrained) that a training keeps; the adapter, base model
 * and LISA layers come from the training itself.
 */
export function packageInputFromManifest(manifest: SkillManifest): SkillPackageInput {
  const { name, version, description, routing, tools, systemPrompt, generation } = manifest;
  return {
    name,
    version,
    description,
    routeExamples: routing.examples,
    ...(routing.keywords ? { keywords: routing.keywords } : {}),
    ...(routing.outOfScope ? { outOfScope: routing.outOfScope } : {}),
    ...(tools ? { tools } : {}),
    systemPrompt,
    generation,
  };
}

/** The step text a training example stands for: its prompt, or its first user turn. */
function promptOf(example: TrainingExample): string {
  if ('prompt' in example) return example.prompt;
  return example.messages.find((m) => m.role === 'user')?.content ?? '';
}

/** Distinct non-empty training prompts, in data order, capped. */
export function routeExamplesFromData(examples: readonly TrainingExample[], cap = MAX_ROUTE_EXAMPLES): string[] {
  const unique = new Set<string>();
  for (const example of examples) {
    const text = promptOf(example).trim();
    if (text !== '') unique.add(text);
    if (unique.size >= cap) break;
  }
  return [...unique];
}

/** The package name from the folder when none is given: lower-cased, other characters to "-". */
function defaultName(out: string): string {
  return basename(resolve(out)).toLowerCase().replace(/[^a-z0-9-._~]+/g, '-').replace(/^[-._~]+/, '') || 'skill';
}

/**
 * Refuses an output folder that holds something: a package is written whole
 * or not at all, never mixed into an older one. Called before training starts.
 */
export function checkSkillPackageTarget(out: string, input: SkillPackageInput = {}): void {
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    throw new PlugboardError('INVALID_ARGUMENT', `${out} already exists and is not an empty folder; remove it or choose another --out (a skill package is written whole)`, {
      details: { path: out },
    });
  }
  const name = input.name ?? defaultName(out);
  if (!SkillNameSchema.safeParse(name).success) {
    throw new PlugboardError('INVALID_ARGUMENT', `skill name "${name}" is not an npm-style package name (lower case, digits, "-", "_", "."; optional @scope/); pass --name`, {
      details: { field: 'name', name },
    });
  }
}

function manifestOf(out: string, config: ModelConfig, result: TrainResult, adapter: NonNullable<ReturnType<typeof writeTrainedAdapter>>, options: WriteSkillPackageOptions): SkillManifestInput {
  const name = options.name ?? defaultName(out);
  const examples = options.routeExamples ?? routeExamplesFromData(options.examples ?? []);
  if (examples.length === 0) {
    throw new PlugboardError('DATA_INVALID', 'there are no routing examples for the skill: the training prompts are empty; pass --route-examples FILE', {
      details: { field: 'routing.examples' },
    });
  }
  const { plan } = result;
  // a LISA skill: the probe chose the layers its adapter (LoRA or bottleneck) lives in
  const spec = plan.graphMethod.lora ?? plan.graphMethod.bottleneck;
  const lisa = plan.importance && spec ? { layers: adapterLayers(config, spec), importance: [...plan.importance.scores] } : undefined;
  return {
    name,
    version: options.version ?? '0.1.0',
    description: options.description ?? `${name}: a ${plan.kind} skill trained with plugboard train`,
    adapter: { ...adapter, path: SKILL_ADAPTER_DIR },
    baseModel: { name: options.baseModelName, fingerprint: options.baseFingerprint },
    routing: {
      examples: [...examples],
      ...(options.keywords ? { keywords: [...options.keywords] } : {}),
      ...(options.outOfScope ? { outOfScope: [...options.outOfScope] } : {}),
    },
    systemPrompt: options.systemPrompt ?? '',
    ...(options.tools ? { tools: [...options.tools] } : {}),
    generation: options.generation ?? {},
    ...(lisa ? { lisa } : {}),
  };
}

/**
 * Writes a trained adapter as a complete skill package at `out`: skill.json
 * (with the full base fingerprint, routing examples, generation defaults,
 * tools; `$schema` next to it), `adapter/` (weights that readAdapter reads,
 * the fingerprint in their metadata) and `report/` (metrics, loss curve,
 * layer importance), whole or not at all (writeFolderWhole), after checking
 * the staged package loads as a skill for its base. Methods without an adapter (full, lisa-sampling) are
 * INVALID_ARGUMENT (see writeTrainingOutput).
 */
export function writeSkillPackage(out: string, config: ModelConfig, result: TrainResult, options: WriteSkillPackageOptions): SkillManifest {
  checkSkillPackageTarget(out, options);
  if (!result.plan.graphMethod.lora && !result.plan.graphMethod.bottleneck) {
    throw new PlugboardError('INVALID_ARGUMENT', `method "${result.plan.kind}" trains the whole model, not an adapter: it makes a model folder, not a skill package`, {
      details: { method: result.plan.kind },
    });
  }
  return writeFolderWhole(out, (staging) => {
    const outputOptions = { baseModelName: options.baseModelName, baseFingerprint: options.baseFingerprint };
    const adapter = writeTrainedAdapter(join(staging, SKILL_ADAPTER_DIR), config, result, outputOptions);
    if (adapter === null) throw new PlugboardError('INVALID_ARGUMENT', `method "${result.plan.kind}" wrote no adapter`);
    writeTrainingReport(join(staging, SKILL_REPORT_DIR), result, options.metrics);
    const manifest = writeSkillManifest(staging, manifestOf(out, config, result, adapter, options));
    // the package must load as a skill for its own base before it is published
    loadSkill(staging, { base: { config, fingerprint: options.baseFingerprint } });
    return manifest;
  });
}
