import { PlugboardError, isPlugboardError } from '@plugboard/core';
import type { ErrorCode } from '@plugboard/core';

/** One thing wrong with a skill, in the form validation reports collect (and loading throws). */
export interface SkillProblem {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function problem(code: ErrorCode, message: string, details?: Record<string, unknown>): SkillProblem {
  return details === undefined ? { code, message } : { code, message, details };
}

/** A PlugboardError as a problem; anything else is a bug, not a finding, and is rethrown. */
export function problemFromError(error: unknown): SkillProblem {
  if (!isPlugboardError(error)) throw error;
  return problem(error.code, error.message, error.details);
}

/** Runs `check`, returning its problem (if it threw one) instead of throwing. */
export function collectProblem(check: () => void): SkillProblem[] {
  try {
    check();
    return [];
  } catch (error) {
    return [problemFromError(error)];
  }
}

/** Throws the first problem as a PlugboardError (loading stops at the first thing wrong). */
export function throwFirstProblem(problems: readonly SkillProblem[]): void {
  const first = problems[0];
  if (first === undefined) return;
  throw new PlugboardError(first.code, first.message, { details: first.details });
}
