import { z } from 'zod';

/** `org/name` or `org/name@revision` (a branch, tag or commit; may contain `/`, as in `refs/pr/1`). */
const MODEL_ID = /^([A-Za-z0-9][\w.-]*)\/([\w.-]+)(?:@([\w.\-/]+))?$/;

export const HubModelIdSchema = z.object({ repo: z.string(), revision: z.string() });
export type HubModelId = z.infer<typeof HubModelIdSchema>;

/** The repo and revision of a hub id, or null when `value` does not look like one. */
export function parseHubModelId(value: string): HubModelId | null {
  const match = MODEL_ID.exec(value);
  if (!match || match[2]!.startsWith('.') || value.includes('..')) return null;
  return { repo: `${match[1]}/${match[2]}`, revision: match[3] ?? 'main' };
}

/** A 40-hex git commit hash (a revision that needs no lookup). */
export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}
