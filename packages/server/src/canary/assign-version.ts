import { createHash } from 'node:crypto';
import type { SkillRollout } from '../config/serve-config.ts';

/** A stable number in [0, 1) for a session and a skill: the same session keeps its version while the weights stay. */
export function stickyFraction(sessionKey: string, skill: string): number {
  const digest = createHash('sha256').update(`${skill}\u0000${sessionKey}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The version a session gets under a rollout's weights (cumulative weights over the stable fraction). */
export function assignVersion(rollout: SkillRollout, skill: string, sessionKey: string): string {
  const total = rollout.versions.reduce((sum, v) => sum + v.weight, 0);
  const point = stickyFraction(sessionKey, skill) * total;
  let edge = 0;
  for (const entry of rollout.versions) {
    edge += entry.weight;
    if (point < edge) return entry.version;
  }
  // rounding at the top edge: the last version with weight
  return rollout.versions.filter((v) => v.weight > 0).at(-1)?.version ?? rollout.versions[0]!.version;
}
