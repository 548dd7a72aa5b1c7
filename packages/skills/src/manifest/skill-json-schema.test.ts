import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skillManifestJsonSchema, skillManifestJsonSchemaText } from './skill-json-schema.ts';

const COMMITTED = join(import.meta.dirname, '..', '..', 'skill.schema.json');

describe('skill.schema.json', () => {
  it('is the JSON Schema generated from SkillManifestSchema (regenerate: pnpm -s plugboard skill schema > packages/skills/skill.schema.json)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(skillManifestJsonSchemaText());
  });

  it('describes the manifest: required fields, no unknown keys, tools optional', () => {
    const schema = skillManifestJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'version', 'description', 'adapter', 'baseModel', 'routing']));
    expect(schema.required).not.toContain('tools');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['$schema', 'tools', 'lisa', 'generation']));
  });
});
