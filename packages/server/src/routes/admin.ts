import { realpathSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { PlugboardError } from '@plugboard/core';
import { loadSkill } from '@plugboard/skills';
import { parseSkillRef, versionKey } from '../catalog/skill-catalog.ts';
import { SkillRolloutSchema } from '../config/serve-config.ts';
import { LoadLoraRequestSchema, RolloutUpdateSchema, UnloadLoraRequestSchema } from '../openai/chat-request.ts';
import type { ServerContext } from '../server-context.ts';

function insideRoots(path: string, roots: readonly string[]): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new PlugboardError('FORBIDDEN', `lora_path ${path} is not inside a configured skill root`);
  }
  const inside = roots.some((root) => {
    const rel = relative(root, real);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  });
  if (!inside) throw new PlugboardError('PATH_ESCAPE', `lora_path ${path} is outside the configured skill roots; put the skill under ${roots.join(' or ')} or add its folder to "skillRoots"`);
  return real;
}

/** vLLM's adapter endpoints and the rollout admin endpoint, all behind the admin key. */
export function registerAdmin(app: FastifyInstance, context: ServerContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post('/v1/load_lora_adapter', { schema: { body: LoadLoraRequestSchema } }, async (request: FastifyRequest<{ Body: z.infer<typeof LoadLoraRequestSchema> }>) => {
    context.access.requireAdmin(context.access.identify(request.headers.authorization));
    const path = insideRoots(request.body.lora_path, context.skillRoots);
    const skill = loadSkill(path);
    const { name, version } = skill.manifest;
    if (request.body.lora_name !== name && request.body.lora_name !== versionKey(name, version)) {
      throw new PlugboardError('INVALID_ARGUMENT', `lora_name "${request.body.lora_name}" does not match the skill's manifest (${versionKey(name, version)}); use "${name}"`, { details: { param: 'lora_name' } });
    }
    if (context.catalog.has(name, version)) throw new PlugboardError('INVALID_ARGUMENT', `skill ${versionKey(name, version)} is already loaded; unload it first or bump its version`);
    await context.host.addSkill(path);
    context.catalog.add(skill);
    await context.refitRouter();
    return `Success: LoRA adapter '${request.body.lora_name}' added successfully.`;
  });
  typed.post('/v1/unload_lora_adapter', { schema: { body: UnloadLoraRequestSchema } }, async (request: FastifyRequest<{ Body: z.infer<typeof UnloadLoraRequestSchema> }>) => {
    context.access.requireAdmin(context.access.identify(request.headers.authorization));
    const { name, version } = parseSkillRef(request.body.lora_name);
    if (!context.catalog.has(name, version ?? undefined)) throw new PlugboardError('SKILL_NOT_FOUND', `no adapter named "${request.body.lora_name}" is loaded`, { details: { param: 'lora_name' } });
    await context.host.removeSkill(name, version ?? undefined);
    context.catalog.remove(name, version ?? undefined);
    await context.refitRouter();
    return `Success: LoRA adapter '${request.body.lora_name}' removed successfully.`;
  });
  typed.post('/admin/skills/:name', { schema: { body: RolloutUpdateSchema } }, async (request: FastifyRequest<{ Body: z.infer<typeof RolloutUpdateSchema>; Params: { name: string } }>) => {
    context.access.requireAdmin(context.access.identify(request.headers.authorization));
    const name = request.params.name;
    const parsed = SkillRolloutSchema.safeParse({ versions: request.body.versions, ...(request.body.shadow ? { shadow: request.body.shadow } : {}) });
    if (!parsed.success) throw new PlugboardError('INVALID_ARGUMENT', `invalid rollout for "${name}": ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const rollout = parsed.data;
    for (const v of [...rollout.versions.map((w) => w.version), ...(rollout.shadow === undefined ? [] : [rollout.shadow])]) {
      if (!context.catalog.has(name, v)) throw new PlugboardError('SKILL_NOT_FOUND', `skill ${versionKey(name, v)} is not loaded; versions of "${name}": ${context.catalog.versionsOf(name).join(', ') || '(none)'}`);
    }
    context.rollouts.set(name, rollout);
    return { skill: name, ...rollout };
  });
}
