import { PlugboardError } from '@plugboard/core';
import { openSkill } from '../manifest/load-skill.ts';
import { packageConsistencyProblems } from '../manifest/package-consistency.ts';
import type { Skill } from '../manifest/skill.ts';
import { problemFromError } from '../manifest/skill-problem.ts';
import type { SkillProblem } from '../manifest/skill-problem.ts';
import { skillProblems } from '../manifest/skill-problems.ts';
import { commandBase } from './command-base.ts';
import type { CommandBaseOptions } from './command-base.ts';

export interface SkillValidation {
  ok: boolean;
  /** name and version when the manifest could be read */
  skill: { name: string; version: string } | null;
  problems: SkillProblem[];
  /** one line for people */
  summary: string;
}

function summarize(target: string, skill: Skill | null, problems: readonly SkillProblem[], against: string | null): string {
  const who = skill === null ? target : `${skill.manifest.name}@${skill.manifest.version}`;
  const where = against === null ? ' (no base model given: package checks only)' : ` against ${against}`;
  if (problems.length === 0) return `${who}: ok${where}`;
  const codes = [...new Set(problems.map((p) => p.code))].join(', ');
  return `${who}: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${codes})${where}`;
}

/**
 * `plugboard skill validate`: checks a skill package (folder or installed
 * package name) and, given a base model, that it fits it, reading the adapter
 * weights in full. Problems with the skill are reported, not thrown; a bad
 * model folder still throws (it is the caller's input, not the skill's).
 */
export function validateSkill(target: string, options: CommandBaseOptions = {}): SkillValidation {
  const base = commandBase(options);
  const against = base === null ? null : (options.modelDir ?? 'the given base model');
  let skill: Skill;
  try {
    skill = openSkill(target, { resolveFrom: options.resolveFrom });
  } catch (error) {
    const problems = [problemFromError(error)];
    return { ok: false, skill: null, problems, summary: summarize(target, null, problems, against) };
  }
  const problems = base === null ? packageConsistencyProblems(skill) : skillProblems(skill, base);
  return {
    ok: problems.length === 0,
    skill: { name: skill.manifest.name, version: skill.manifest.version },
    problems,
    summary: summarize(target, skill, problems, against),
  };
}

/** Throws a validation's first problem as a PlugboardError saying what could not be done (`cannot pack DIR`), with every problem in its details. */
export function throwIfInvalid(validation: SkillValidation, what: string): void {
  if (validation.ok) return;
  const first = validation.problems[0];
  throw new PlugboardError(first?.code ?? 'MANIFEST_INVALID', `${what}: ${validation.summary}. ${first?.message ?? ''}`.trim(), {
    details: { problems: validation.problems },
  });
}
