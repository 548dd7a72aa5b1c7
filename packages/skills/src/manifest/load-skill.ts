import { statSync } from 'node:fs';
import { PlugboardError } from '@plugboard/core';
import { summarizeAdapter } from './adapter-summary.ts';
import { baseCompatibilityProblems } from './base-compatibility.ts';
import { resolveBaseModel } from './base-model-ref.ts';
import type { BaseModelInput } from './base-model-ref.ts';
import { assertTreeInside, resolveInside } from './contained-path.ts';
import { locateSkill } from './locate-skill.ts';
import { packageConsistencyProblems } from './package-consistency.ts';
import { readSkillManifest } from './read-manifest.ts';
import type { Skill } from './skill.ts';
import { throwFirstProblem } from './skill-problem.ts';

export interface LoadSkillOptions {
  /** where npm package names are resolved from (a folder); default the working directory */
  resolveFrom?: string;
  /** also check the skill fits this base model (a model folder, or config + fingerprint) */
  base?: BaseModelInput;
}

/**
 * Reads a skill package's manifest and adapter headers, checking that every
 * path stays inside the package. Throws the first structural problem; see
 * validateSkill for a report of all of them.
 */
export function openSkill(dirOrPackageName: string, options: { resolveFrom?: string } = {}): Skill {
  const { root, source } = locateSkill(dirOrPackageName, options);
  const { manifest, path: manifestPath } = readSkillManifest(root);
  const adapterDir = resolveInside(root, manifest.adapter.path, 'adapter.path');
  if (!statSync(adapterDir).isDirectory()) {
    throw new PlugboardError('MANIFEST_INVALID', `${manifestPath}: adapter.path "${manifest.adapter.path}" is a file; it must name the adapter folder`, {
      details: { fields: ['adapter.path'] },
    });
  }
  assertTreeInside(root, adapterDir, 'adapter.path');
  const adapter = summarizeAdapter(root, adapterDir, manifest.adapter);
  return { manifest, root, manifestPath, source, adapterDir, adapter };
}

/**
 * Loads a skill from a folder or an installed npm package. Only JSON files and
 * safetensors headers are read: nothing of the package is ever executed, and
 * the adapter weights are read later, when a registry hands them to the bank.
 */
export function loadSkill(dirOrPackageName: string, options: LoadSkillOptions = {}): Skill {
  const skill = openSkill(dirOrPackageName, options);
  throwFirstProblem(packageConsistencyProblems(skill));
  if (options.base !== undefined) throwFirstProblem(baseCompatibilityProblems(skill, resolveBaseModel(options.base)));
  return skill;
}
