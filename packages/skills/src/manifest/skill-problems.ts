import { baseCompatibilityProblems } from './base-compatibility.ts';
import type { BaseModelRef } from './base-model-ref.ts';
import { packageConsistencyProblems } from './package-consistency.ts';
import { readSkillAdapter } from './read-skill-adapter.ts';
import type { Skill } from './skill.ts';
import { collectProblem } from './skill-problem.ts';
import type { SkillProblem } from './skill-problem.ts';

/**
 * Every problem of a loaded skill against `base`: manifest/adapter agreement,
 * the header-level base checks, and, when those pass, a full read of the
 * weights through the format reader (coverage, exact shapes, finite values).
 */
export function skillProblems(skill: Skill, base: BaseModelRef): SkillProblem[] {
  const found = [...packageConsistencyProblems(skill), ...baseCompatibilityProblems(skill, base)];
  if (found.length > 0) return found;
  return collectProblem(() => readSkillAdapter(skill, base));
}
