import { PlugboardError } from '@plugboard/core';
import type { z } from 'zod';
import { SkillManifestSchema } from './skill-manifest.ts';
import type { SkillManifest } from './skill-manifest.ts';

export interface ManifestIssue {
  /** dotted path of the field, e.g. "adapter.path" (unknown keys are named by themselves) */
  field: string;
  message: string;
}

function issuesOf(error: z.ZodError): ManifestIssue[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'unknown field (a typo?)' }));
    }
    const missing = issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined;
    return [{ field: at.join('.') || '(root)', message: missing ? 'missing' : issue.message }];
  });
}

/**
 * Validates a manifest object; MANIFEST_INVALID names every field that is
 * missing or wrong (details.fields lists them), not just the first.
 */
export function parseSkillManifest(raw: unknown, source: string): SkillManifest {
  const parsed = SkillManifestSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error);
  throw new PlugboardError(
    'MANIFEST_INVALID',
    `${source} is not a valid skill manifest: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}. Fix these fields (see SkillManifestSchema).`,
    { cause: parsed.error, details: { source, fields: issues.map((i) => i.field), issues } },
  );
}
