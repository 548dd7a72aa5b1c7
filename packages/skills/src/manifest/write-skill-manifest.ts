import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSkillManifest } from './parse-manifest.ts';
import { SKILL_MANIFEST_FILE } from './read-manifest.ts';
import { SKILL_SCHEMA_FILE, skillManifestJsonSchemaText } from './skill-json-schema.ts';
import type { SkillManifest, SkillManifestInput } from './skill-manifest.ts';

/**
 * Writes `dir/skill.json` after validating it (MANIFEST_INVALID names the bad
 * fields), with `$schema` pointing at a copy of skill.schema.json written
 * beside it, so editors validate the file offline. Returns the parsed manifest.
 */
export function writeSkillManifest(dir: string, input: SkillManifestInput): SkillManifest {
  const { $schema: _replaced, ...fields } = input;
  const json = { $schema: `./${SKILL_SCHEMA_FILE}`, ...fields };
  const manifest = parseSkillManifest(json, join(dir, SKILL_MANIFEST_FILE));
  writeFileSync(join(dir, SKILL_SCHEMA_FILE), skillManifestJsonSchemaText());
  writeFileSync(join(dir, SKILL_MANIFEST_FILE), `${JSON.stringify(json, null, 2)}\n`);
  return manifest;
}
