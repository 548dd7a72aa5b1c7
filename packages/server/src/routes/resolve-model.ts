import { PlugboardError } from '@plugboard/core';
import { parseSkillRef } from '../catalog/skill-catalog.ts';
import type { ServerContext } from '../server-context.ts';
import type { Caller } from '../tenants/tenant-access.ts';

/** What a request's `model` asks for: routing (`auto`), the base (null), or a skill with an optional fixed version. */
export type ModelTarget = { kind: 'auto' } | { kind: 'base' } | { kind: 'skill'; name: string; version: string | null };

/**
 * `auto`, the base model's name, `NAME` or `NAME@VERSION`. A skill the caller's
 * tenant may not use is reported exactly like one that does not exist (404),
 * so names do not leak across tenants.
 */
export function resolveModel(context: Pick<ServerContext, 'catalog' | 'access' | 'baseName'>, caller: Caller, model: string): ModelTarget {
  if (model === 'auto') return { kind: 'auto' };
  if (model === context.baseName) return { kind: 'base' };
  const { name, version } = parseSkillRef(model);
  const visible = context.catalog.has(name) && context.access.canUse(caller, name) && (version === null || context.catalog.has(name, version));
  if (!visible) throw new PlugboardError('SKILL_NOT_FOUND', `the model "${model}" does not exist; GET /v1/models lists the models this key can use`, { details: { param: 'model' } });
  return { kind: 'skill', name, version };
}
