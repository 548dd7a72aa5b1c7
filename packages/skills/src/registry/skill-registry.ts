import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import type { LoadedAdapter } from '@plugboard/core';
import { resolveBaseModel } from '../manifest/base-model-ref.ts';
import type { BaseModelInput, BaseModelRef } from '../manifest/base-model-ref.ts';
import { loadSkill } from '../manifest/load-skill.ts';
import type { LoadSkillOptions } from '../manifest/load-skill.ts';
import { readSkillAdapter } from '../manifest/read-skill-adapter.ts';
import type { Skill } from '../manifest/skill.ts';
import type { SkillProblem } from '../manifest/skill-problem.ts';
import { skillProblems } from '../manifest/skill-problems.ts';
import { PACKAGE_JSON_FILE, PACKAGE_MANIFEST_FIELD, SKILL_MANIFEST_FILE } from '../manifest/read-manifest.ts';
import { readJsonInside } from '../manifest/read-json-inside.ts';
import { skillRoute, skillsOutOfScope } from './skill-route.ts';
import type { SkillRoute } from './skill-route.ts';

export interface SkillReport {
  name: string;
  ok: boolean;
  problems: SkillProblem[];
}

export interface AddSkillOptions extends LoadSkillOptions {
  /** replace a registered skill of the same name instead of refusing */
  replace?: boolean;
}

/**
 * The skills an assistant can use, by name. Adding a skill reads only its
 * manifest and adapter headers; its weights are read when the adapter bank
 * asks for them (loadAdapter), and not kept here, so the bank's memory budget
 * is the only place adapter weights live.
 */
export class SkillRegistry {
  private readonly skills = new Map<string, Skill>();

  /** Adds a loaded skill, or loads one from a folder / installed package name. */
  add(skill: Skill | string, options: AddSkillOptions = {}): Skill {
    const loaded = typeof skill === 'string' ? loadSkill(skill, options) : skill;
    const name = loaded.manifest.name;
    const existing = this.skills.get(name);
    if (existing !== undefined && !options.replace) {
      throw new PlugboardError(
        'INVALID_ARGUMENT',
        `a skill named "${name}" is already registered (from ${existing.root}); remove it first or pass { replace: true }`,
        { details: { name } },
      );
    }
    this.skills.set(name, loaded);
    return loaded;
  }

  /**
   * Adds every skill package directly inside `dir` (a folder with skill.json or
   * a package.json carrying a "plugboard" field), in name order; other entries
   * are skipped. A malformed skill still fails loudly.
   */
  addFolder(dir: string, options: AddSkillOptions = {}): Skill[] {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new PlugboardError('FILE_NOT_FOUND', `skills folder ${dir} does not exist`);
    }
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isSkillFolder(join(dir, entry.name)))
      .map((entry) => entry.name)
      .sort()
      .map((name) => this.add(join(dir, name), options));
  }

  has(name: string): boolean {
    return this.skills.has(name);
  }

  get(name: string): Skill {
    const skill = this.skills.get(name);
    if (skill === undefined) {
      const known = this.names();
      throw new PlugboardError(
        'INVALID_ARGUMENT',
        `no skill named "${name}" is registered; registered: ${known.length > 0 ? known.join(', ') : '(none)'}`,
        { details: { name } },
      );
    }
    return skill;
  }

  /** Registered skills in the order they were added. */
  list(): Skill[] {
    return [...this.skills.values()];
  }

  names(): string[] {
    return [...this.skills.keys()];
  }

  /** Whether a skill of that name was registered (and is now gone). */
  remove(name: string): boolean {
    return this.skills.delete(name);
  }

  /** The router's routes, one per skill: name, routing examples and keywords from the manifests. */
  routes(): SkillRoute[] {
    return this.list().map(skillRoute);
  }

  /** The skills' out-of-scope texts for the router's threshold (see `skillsOutOfScope`). */
  outOfScope(): string[] {
    return skillsOutOfScope(this.list());
  }

  /** A report per skill against a base model (a model folder, or config + fingerprint). Reads each adapter's weights once. */
  validateAgainst(base: BaseModelInput): SkillReport[] {
    const ref = resolveBaseModel(base);
    return this.list().map((skill) => {
      const problems = skillProblems(skill, ref);
      return { name: skill.manifest.name, ok: problems.length === 0, problems };
    });
  }

  /** Reads the skill's adapter weights for the bank (checked against `base`); nothing is cached here. */
  loadAdapter(name: string, base: BaseModelRef): LoadedAdapter {
    return readSkillAdapter(this.get(name), base);
  }
}

function isSkillFolder(dir: string): boolean {
  if (existsSync(join(dir, SKILL_MANIFEST_FILE))) return true;
  const packageJson = join(dir, PACKAGE_JSON_FILE);
  if (!existsSync(packageJson)) return false;
  try {
    // read like every package file (a FIFO named package.json must not hang the scan)
    return PACKAGE_MANIFEST_FIELD in (readJsonInside(realpathSync(dir), PACKAGE_JSON_FILE, 'MANIFEST_INVALID') as Record<string, unknown>);
  } catch {
    return true; // let add() report the malformed package.json
  }
}
