import type { Skill } from './skill.ts';
import { problem } from './skill-problem.ts';
import type { SkillProblem } from './skill-problem.ts';

/** Checks that the manifest and the adapter files agree with each other (no base model needed). */
export function packageConsistencyProblems(skill: Skill): SkillProblem[] {
  const { manifest, adapter } = skill;
  const problems: SkillProblem[] = [];
  const stated = manifest.baseModel.fingerprint;
  if (stated !== undefined && adapter.baseFingerprint !== null && stated !== adapter.baseFingerprint) {
    problems.push(
      problem(
        'ADAPTER_INVALID',
        `${skill.manifestPath}: baseModel.fingerprint ${stated} differs from the fingerprint the adapter files record (${adapter.baseFingerprint}); ` +
          'the manifest and the adapter come from different trainings',
        { field: 'baseModel.fingerprint', manifest: stated, adapter: adapter.baseFingerprint },
      ),
    );
  }
  const lisa = manifest.lisa;
  if (lisa !== undefined) {
    const declared = [...lisa.layers].sort((a, b) => a - b);
    if (declared.join(',') !== adapter.layers.join(',')) {
      problems.push(
        problem(
          'ADAPTER_INVALID',
          `${skill.manifestPath}: lisa.layers [${declared}] but the adapter weights cover layers [${adapter.layers}]; they must be the same layers`,
          { field: 'lisa.layers', manifest: declared, adapter: adapter.layers },
        ),
      );
    }
  }
  if (adapter.weights.tensors.length === 0) {
    problems.push(problem('ADAPTER_INVALID', `${adapter.weights.path} holds no tensors`, { path: adapter.weights.path }));
  }
  return problems;
}
