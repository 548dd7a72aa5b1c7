import { PlugboardError } from '@plugboard/core';
import { readAdapter } from '@plugboard/core';
import type { LoadedAdapter } from '@plugboard/core';
import { baseCompatibilityProblems } from './base-compatibility.ts';
import type { BaseModelRef } from './base-model-ref.ts';
import type { Skill } from './skill.ts';
import { throwFirstProblem } from './skill-problem.ts';

/**
 * Reads the skill's adapter weights into the form the adapter bank takes,
 * after the header-level checks against `base`. The format reader checks the
 * rest (config coverage, exact shapes, finite values). A base fingerprint
 * stated only in the manifest is carried onto the adapter, so the bank checks it too.
 */
export function readSkillAdapter(skill: Skill, base: BaseModelRef): LoadedAdapter {
  throwFirstProblem(baseCompatibilityProblems(skill, base));
  const adapter = readAdapter(skill.adapterDir, { config: base.config, name: skill.manifest.name });
  if (adapter.kind !== skill.manifest.adapter.kind) {
    throw new PlugboardError(
      'ADAPTER_INVALID',
      `${skill.manifestPath} declares adapter.kind "${skill.manifest.adapter.kind}" but ${skill.adapterDir} holds a "${adapter.kind}" adapter; fix adapter.kind/format`,
      { details: { fields: ['adapter.kind'], declared: skill.manifest.adapter.kind, actual: adapter.kind } },
    );
  }
  const fingerprint = adapter.baseFingerprint ?? skill.manifest.baseModel.fingerprint ?? null;
  return { ...adapter, baseFingerprint: fingerprint };
}
