import { PlugboardError } from '@plugboard/core';
import { SkillRegistry } from '@plugboard/skills';
import type { Skill } from '@plugboard/skills';

/** `name@version`: how the backend knows one version of a skill. */
export function versionKey(name: string, version: string): string {
  return `${name}@${version}`;
}

/** Splits a `model` field: `hr@1.3.0` → { name: 'hr', version: '1.3.0' }. */
export function parseSkillRef(ref: string): { name: string; version: string | null } {
  const at = ref.lastIndexOf('@');
  return at <= 0 ? { name: ref, version: null } : { name: ref.slice(0, at), version: ref.slice(at + 1) };
}

function compareSemver(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((p) => Number.parseInt(p, 10));
  const pb = b.split(/[.+-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

/**
 * Every version of every skill: the skills folder may hold several packages of
 * one name (manifest `version`). The backend registry holds each under
 * `name@version`; the routing registry holds the newest version under the plain
 * name (what routers and routedStep see).
 */
export class SkillCatalog {
  /** what the backend runs: one entry per name@version */
  readonly backendRegistry = new SkillRegistry();
  /** what routing sees: the newest version of each name */
  readonly routingRegistry = new SkillRegistry();
  private readonly versions = new Map<string, Map<string, Skill>>();

  constructor(skills: readonly Skill[] = []) {
    for (const skill of skills) this.add(skill);
  }

  add(skill: Skill, options: { replace?: boolean } = {}): void {
    const { name, version } = skill.manifest;
    const byVersion = this.versions.get(name) ?? new Map<string, Skill>();
    if (byVersion.has(version) && !options.replace) {
      throw new PlugboardError('INVALID_ARGUMENT', `skill ${versionKey(name, version)} is already loaded (from ${byVersion.get(version)?.root}); unload it first or bump its version`);
    }
    byVersion.set(version, skill);
    this.versions.set(name, byVersion);
    // the backend's copy is named name@version so LocalBackend can look each version up
    this.backendRegistry.add({ ...skill, manifest: { ...skill.manifest, name: versionKey(name, version) } }, { replace: true });
    this.routingRegistry.add(this.skill(name, this.latest(name)), { replace: true });
  }

  /** Removes one version (or all of a name); false when nothing matched. */
  remove(name: string, version?: string): boolean {
    const byVersion = this.versions.get(name);
    if (byVersion === undefined) return false;
    const gone = version === undefined ? [...byVersion.keys()] : byVersion.has(version) ? [version] : [];
    for (const v of gone) {
      byVersion.delete(v);
      this.backendRegistry.remove(versionKey(name, v));
    }
    if (byVersion.size === 0) {
      this.versions.delete(name);
      this.routingRegistry.remove(name);
    } else this.routingRegistry.add(this.skill(name, this.latest(name)), { replace: true });
    return gone.length > 0;
  }

  names(): string[] {
    return [...this.versions.keys()];
  }

  has(name: string, version?: string): boolean {
    const byVersion = this.versions.get(name);
    return byVersion !== undefined && (version === undefined || byVersion.has(version));
  }

  versionsOf(name: string): string[] {
    return [...(this.versions.get(name)?.keys() ?? [])].sort(compareSemver);
  }

  latest(name: string): string {
    const all = this.versionsOf(name);
    const last = all.at(-1);
    if (last === undefined) throw new PlugboardError('SKILL_NOT_FOUND', `no skill named "${name}"; known skills: ${this.names().join(', ') || '(none)'}`);
    return last;
  }

  skill(name: string, version: string): Skill {
    const skill = this.versions.get(name)?.get(version);
    if (skill === undefined) {
      throw new PlugboardError('SKILL_NOT_FOUND', `no skill ${versionKey(name, version)}; versions of "${name}": ${this.versionsOf(name).join(', ') || '(none)'}`);
    }
    return skill;
  }
}
