import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import { loadSkill } from '@plugboard/skills';
import type { Skill } from '@plugboard/skills';

/** Every skill package directly inside `dir` (skill.json or package.json), in folder-name order; several may share a name with different versions. */
export function readSkillsFolder(dir: string): Skill[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PlugboardError('FILE_NOT_FOUND', `skills folder ${dir} does not exist; pass a folder of skill packages to --skills`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && (existsSync(join(dir, e.name, 'skill.json')) || existsSync(join(dir, e.name, 'package.json'))))
    .map((e) => e.name)
    .sort()
    .map((name) => loadSkill(join(dir, name)));
}
