import { PlugboardError } from '@plugboard/core';
import { readAdapter } from '@plugboard/core';
import type { LoadedAdapter } from '@plugboard/core';
import { baseCompatibilityProblems } from './base-compatibility.ts';
import type { BaseModelRef } from './base-model-ref.ts';
import { assertTreeInside, openerInside } from './contained-path.ts';
import type { Skill } from './skill.ts';
import { throwFirstProblem } from './skill-problem.ts';

/**
 * Reads the skill's adapter weights into the form the adapter bank takes,
 * after the header-level checks against `base`. The format reader checks the
 * rest (config coverage, exact shapes, finite values). A base fingerprint
 * stated only in the manifest is carried onto the adapter, so the bank checks it too.
 * Every file is opened through openerInside: a file swapped for a link out of
 * the package, a FIFO or a directory since loading is refused as it is read.
 */
export function readSkillAdapter(skill: Skill, base: BaseModelRef): LoadedAdapter {
  throwFirstProblem(baseCompatibilityProblems(skill, base));
  // the package was checked when it was loaded; its files may have changed since, so every open is checked again
  assertTreeInside(skill.root, skill.adapterDir, 'adapter.path');
  const open = openerInside(skill.root, 'adapter file', 'ADAPTER_INVALID');
  const adapter = readAdapter(skill.adapterDir, { config: base.config, name: skill.manifest.name, open });
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
