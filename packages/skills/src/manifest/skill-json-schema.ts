import { z } from 'zod';
import { SkillManifestSchema } from './skill-manifest.ts';

/** The JSON Schema file published next to the package and written into skill packages, for editors. */
export const SKILL_SCHEMA_FILE = 'skill.schema.json';

/**
 * The manifest's JSON Schema, generated from SkillManifestSchema (one source
 * of truth). The input side: fields with defaults are optional, as an author
 * writes them. Refinements across fields (kind/format pairing, LISA layers)
 * are checked by Plugboard only.
 */
export function skillManifestJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(SkillManifestSchema, { io: 'input' }),
    title: 'Plugboard skill manifest (skill.json)',
    description: 'A skill package: adapter files for a base model, how to route to it, and how it generates. See docs/skills.md.',
  };
}

/** The schema as the committed skill.schema.json holds it. */
export function skillManifestJsonSchemaText(): string {
  return `${JSON.stringify(skillManifestJsonSchema(), null, 2)}\n`;
}
