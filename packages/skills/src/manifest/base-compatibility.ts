import { moduleFeatures } from '@plugboard/core';
import type { ModelConfig, TensorInfo } from '@plugboard/core';
import { parsePeftWeightKey } from '@plugboard/core';
import { maxAdapterBytes } from './adapter-capacity.ts';
import type { BaseModelRef } from './base-model-ref.ts';
import type { Skill } from './skill.ts';
import { problem } from './skill-problem.ts';
import type { SkillProblem } from './skill-problem.ts';

function allLayers(config: ModelConfig): number[] {
  return Array.from({ length: config.numLayers }, (_, i) => i);
}

function fingerprintProblems(skill: Skill, base: BaseModelRef): SkillProblem[] {
  const actual = base.fingerprint;
  if (actual === undefined || actual === null) return [];
  const stated = [
    ['the manifest (baseModel.fingerprint)', skill.manifest.baseModel.fingerprint],
    ['the adapter files', skill.adapter.baseFingerprint],
  ] as const;
  const [where, expected] = stated.find(([, fingerprint]) => fingerprint !== undefined && fingerprint !== null && fingerprint !== actual) ?? [];
  if (expected === undefined || expected === null) return [];
  return [
    problem(
      'ADAPTER_INCOMPATIBLE',
      `skill "${skill.manifest.name}" was trained on base weights with fingerprint ${expected} (per ${where}), ` +
        `but this model's is ${actual}; use ${skill.manifest.baseModel.name} or retrain the skill on this model`,
      { expected, actual },
    ),
  ];
}

function sizeProblems(skill: Skill, config: ModelConfig): SkillProblem[] {
  const { adapter } = skill;
  const layers = skill.manifest.lisa?.layers ?? allLayers(config);
  const limit = maxAdapterBytes(config, { kind: adapter.kind, rank: adapter.rank, layers });
  if (adapter.weights.bytes <= limit) return [];
  const what = adapter.kind === 'lora' ? `a rank-${adapter.rank} LoRA` : `a width-${adapter.rank} bottleneck adapter`;
  return [
    problem(
      'ADAPTER_INCOMPATIBLE',
      `${adapter.weights.path} is ${adapter.weights.bytes} bytes, more than ${what} on ${layers.length} layers of this base model can need (${limit}); ` +
        'it was made for a larger model or its config understates the rank',
      { bytes: adapter.weights.bytes, limit },
    ),
  ];
}

function layerProblems(skill: Skill, config: ModelConfig): SkillProblem[] {
  const problems: SkillProblem[] = [];
  const outside = skill.adapter.layers.filter((layer) => layer >= config.numLayers);
  if (outside.length > 0) {
    problems.push(
      problem('ADAPTER_INCOMPATIBLE', `the adapter covers layers [${outside}] but the base model has layers 0..${config.numLayers - 1}`, {
        layers: outside,
      }),
    );
  }
  const lisa = skill.manifest.lisa;
  if (lisa !== undefined && lisa.importance.length !== config.numLayers) {
    problems.push(
      problem(
        'ADAPTER_INCOMPATIBLE',
        `${skill.manifestPath}: lisa.importance has ${lisa.importance.length} scores but the base model has ${config.numLayers} layers (one score per layer)`,
        { field: 'lisa.importance', expected: config.numLayers, actual: lisa.importance.length },
      ),
    );
  }
  return problems;
}

/** The [A, B] shapes a LoRA tensor must have on this base, or null when the tensor is not a LoRA half. */
function loraShapeMismatch(tensor: TensorInfo, config: ModelConfig): string | null {
  const key = parsePeftWeightKey(tensor.name);
  if (key === null || key.layer >= config.numLayers) return null;
  const { inFeatures, outFeatures } = moduleFeatures(config, key.module);
  const [rows, cols] = tensor.shape;
  const fits = tensor.shape.length === 2 && (key.part === 'A' ? cols === inFeatures : rows === outFeatures);
  if (fits) return null;
  const expected = key.part === 'A' ? `[r, ${inFeatures}]` : `[${outFeatures}, r]`;
  return `"${tensor.name}" is [${tensor.shape}], this base needs ${expected}`;
}

function shapeProblems(skill: Skill, config: ModelConfig): SkillProblem[] {
  const { adapter } = skill;
  if (adapter.kind === 'adapter') {
    if (adapter.hiddenSize === null || adapter.hiddenSize === config.hiddenSize) return [];
    return [
      problem(
        'ADAPTER_INCOMPATIBLE',
        `the bottleneck adapter is for hidden size ${adapter.hiddenSize} but the base model's is ${config.hiddenSize}; it belongs to another base model`,
        { expected: config.hiddenSize, actual: adapter.hiddenSize },
      ),
    ];
  }
  const mismatches = adapter.weights.tensors.map((t) => loraShapeMismatch(t, config)).filter((m) => m !== null);
  if (mismatches.length === 0) return [];
  return [
    problem(
      'ADAPTER_INCOMPATIBLE',
      `${mismatches.length} LoRA tensor(s) do not fit the base model (${mismatches.slice(0, 3).join('; ')}${mismatches.length > 3 ? '; …' : ''}); ` +
        `the adapter was trained on another model (the manifest names ${skill.manifest.baseModel.name})`,
      { mismatches: mismatches.length },
    ),
  ];
}

/**
 * Everything that can be checked against the base model from the manifest and
 * the headers alone: fingerprint, file size against the largest adapter the
 * base allows, layer range, LISA scores, tensor shapes. No weights are read.
 */
export function baseCompatibilityProblems(skill: Skill, base: BaseModelRef): SkillProblem[] {
  const size = sizeProblems(skill, base.config);
  return [
    ...fingerprintProblems(skill, base),
    ...size,
    ...layerProblems(skill, base.config),
    // an oversized file's shapes add nothing but noise
    ...(size.length > 0 ? [] : shapeProblems(skill, base.config)),
  ];
}
