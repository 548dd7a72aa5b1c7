import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PlugboardError } from '@plugboard/core';

/** A token bucket: `perSecond` requests refill, up to `burst` at once. */
export const RateLimitSchema = z.strictObject({ perSecond: z.number().positive(), burst: z.number().int().positive() });
export type RateLimit = z.infer<typeof RateLimitSchema>;

export const TenantSchema = z.strictObject({
  name: z.string().min(1),
  /** Bearer API keys of this tenant */
  keys: z.array(z.string().min(1)).min(1),
  /** skill names it may list and call ('*': all); the base model and `auto` are always allowed */
  skills: z.union([z.literal('*'), z.array(z.string().min(1))]).default('*'),
  rateLimit: RateLimitSchema.optional(),
  /** requests of one key in flight at once */
  maxConcurrent: z.number().int().positive().optional(),
});
export type Tenant = z.infer<typeof TenantSchema>;

export const WeightedVersionSchema = z.strictObject({ version: z.string().min(1), weight: z.number().nonnegative() });

/** Canary / A/B of one skill: weighted versions, and a shadow candidate run after the primary. */
export const SkillRolloutSchema = z.strictObject({
  versions: z.array(WeightedVersionSchema).min(1).refine((v) => v.some((w) => w.weight > 0), 'at least one version needs a positive weight'),
  shadow: z.string().min(1).optional(),
});
export type SkillRollout = z.infer<typeof SkillRolloutSchema>;

export const ServeConfigSchema = z.strictObject({
  /** key for /admin and the vLLM-style adapter endpoints */
  adminKey: z.string().min(1).optional(),
  /** no tenants: the server is open (no key needed), every skill visible */
  tenants: z.array(TenantSchema).default([]),
  skills: z.record(z.string(), SkillRolloutSchema).default({}),
  /** folders `load_lora_adapter` may read from (the --skills folder is always one) */
  skillRoots: z.array(z.string().min(1)).default([]),
  limits: z
    .strictObject({
      bodyBytes: z.number().int().positive().default(1 << 20),
      /** requests generating at once: the rows of the worker's continuous batch (fixed at start; a reload does not change it) */
      batch: z.number().int().positive().default(16),
      /** requests waiting for a row before new ones get 429 */
      queue: z.number().int().nonnegative().default(16),
      timeoutMs: z.number().int().positive().default(120_000),
    })
    .default({ bodyBytes: 1 << 20, batch: 16, queue: 16, timeoutMs: 120_000 }),
  /** JSONL file where shadow runs record their agreement with the primary */
  shadowLog: z.string().min(1).optional(),
});
export type ServeConfig = z.infer<typeof ServeConfigSchema>;
export type ServeConfigInput = z.input<typeof ServeConfigSchema>;

function problemsOf(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseServeConfig(input: unknown, source = 'the serve config'): ServeConfig {
  const parsed = ServeConfigSchema.safeParse(input);
  if (!parsed.success) throw new PlugboardError('INVALID_CONFIG', `${source} is invalid: ${problemsOf(parsed.error)}; fix those fields (see ServeConfigSchema)`);
  return parsed.data;
}

export function readServeConfig(path: string): ServeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new PlugboardError('FILE_NOT_FOUND', `cannot read the serve config ${path}; pass an existing JSON file to --config`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PlugboardError('INVALID_CONFIG', `${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseServeConfig(json, path);
}
