import { appendFileSync } from 'node:fs';
import type { SkillResult } from '@plugboard/router';
import type { ServerContext } from '../server-context.ts';
import { agreementOf } from './agreement.ts';

/**
 * Runs the rollout's shadow version on the request the primary answered, after
 * the primary finished and only when nothing waits for the model (it never
 * delays a client); its output is discarded, its agreement recorded.
 */
export function runShadow(context: ServerContext, skill: string, primaryVersion: string, rerun: (version: string) => Promise<SkillResult>, primary: SkillResult): void {
  const version = context.rollouts.get(skill)?.shadow;
  if (version === undefined || version === primaryVersion || !context.catalog.has(skill, version) || context.queue.depth > 0) return;
  const run = (async () => {
    const release = await context.queue.acquire();
    try {
      const shadow = await rerun(version);
      const agreement = agreementOf(primary, shadow);
      context.metrics.recordShadow(skill, version, agreement);
      if (context.config.shadowLog !== undefined) {
        appendFileSync(context.config.shadowLog, `${JSON.stringify({ at: new Date().toISOString(), skill, primary: primaryVersion, shadow: version, ...agreement })}\n`);
      }
    } finally {
      release();
    }
  })().catch(() => undefined);
  context.shadows.add(run);
  void run.finally(() => context.shadows.delete(run));
}
