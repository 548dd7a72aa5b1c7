import type { ServerContext } from '../server-context.ts';
import { assignVersion } from './assign-version.ts';

/** The version of `skill` a session runs: the rollout's sticky pick when it has one, else the newest loaded. */
export function pickVersion(context: Pick<ServerContext, 'rollouts' | 'catalog'>, skill: string, sessionKey: string): string {
  const rollout = context.rollouts.get(skill);
  if (rollout !== undefined) {
    const version = assignVersion(rollout, skill, sessionKey);
    if (context.catalog.has(skill, version)) return version;
  }
  return context.catalog.latest(skill);
}
