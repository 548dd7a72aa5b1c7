import { z } from 'zod';
import { GenerationDefaultsSchema } from './generation-defaults.ts';

/** npm's package-name rules (lower case, URL-safe, optional @scope/), so a skill can be published as a package. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
/** semver 2.0.0 */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** core's weights fingerprint: sha256 hex */
const FINGERPRINT = /^[0-9a-f]{64}$/;

export const SkillNameSchema = z
  .string()
  .max(214, 'at most 214 characters (npm limit)')
  .regex(PACKAGE_NAME, 'must be an npm-style package name: lower case letters, digits, "-", "_", ".", "~", optionally @scope/');

/** Which adapter files the skill ships; LoRA comes as PEFT, bottleneck Adapters as ms-swift or our own layout. */
export const SkillAdapterSchema = z
  .strictObject({
    kind: z.enum(['lora', 'adapter']),
    /** folder inside the package holding the adapter files */
    path: z.string().min(1),
    format: z.enum(['peft', 'ms-swift', 'plugboard']),
  })
  .refine((a) => (a.kind === 'lora') === (a.format === 'peft'), {
    message: 'kind "lora" goes with format "peft"; kind "adapter" with format "ms-swift" or "plugboard"',
    path: ['format'],
  });

export const SkillBaseModelSchema = z.strictObject({
  /** e.g. "Qwen/Qwen2.5-0.5B-Instruct": for people and for remote engines */
  name: z.string().min(1),
  /** core's weights fingerprint of the base it was trained on; when set, other bases are refused */
  fingerprint: z.string().regex(FINGERPRINT, 'must be a weights fingerprint (64 lower-case hex digits)').optional(),
});

/** A letter, digit or underscore: what the rules router's whole-word match anchors on. */
const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

/**
 * A routing keyword, checked after the trimming the router applies: a blank
 * keyword would become an empty pattern that matches every text.
 */
export const SkillKeywordSchema = z
  .string()
  .trim()
  .regex(WORD_CHARACTER, 'a keyword needs at least one letter, digit or underscore (a blank one would match every text)');

/** What the router learns the skill from: route = { name, examples, keywords }. */
export const SkillRoutingSchema = z.strictObject({
  examples: z.array(z.string().min(1)).min(1, 'give at least one example step text, so a router can learn the skill'),
  keywords: z.array(SkillKeywordSchema).optional(),
  /** texts that are NOT this skill's (near misses, other domains): lets a router learn to say "none" */
  outOfScope: z.array(z.string().min(1)).optional(),
});

/** A LISA-sparse skill: the layers that carry its adapter, chosen by the importance probe. */
export const SkillLisaSchema = z
  .strictObject({
    layers: z.array(z.number().int().nonnegative()).min(1),
    /** importance[i] is base layer i's score from the probe: one entry per layer of the base model */
    importance: z.array(z.number().finite()).min(1),
  })
  .refine((l) => new Set(l.layers).size === l.layers.length, { message: 'layers must not repeat', path: ['layers'] })
  .refine((l) => l.layers.every((layer) => layer < l.importance.length), {
    message: 'every layer must have an importance score (importance has one entry per base layer)',
    path: ['layers'],
  });

/**
 * A skill package's manifest (`skill.json`, or the `plugboard` field of its
 * package.json). Unknown keys are rejected so a typo fails loudly.
 */
export const SkillManifestSchema = z.strictObject({
  /** the JSON Schema editors validate the file with (skill.schema.json); ignored by Plugboard */
  $schema: z.string().optional(),
  name: SkillNameSchema,
  version: z.string().regex(SEMVER, 'must be a semantic version such as 1.0.0'),
  description: z.string().min(1),
  adapter: SkillAdapterSchema,
  baseModel: SkillBaseModelSchema,
  routing: SkillRoutingSchema,
  systemPrompt: z.string().default(''),
  /** names of the tools the skill may call: absent = every tool the agent has, [] = none */
  tools: z.array(z.string().min(1)).optional(),
  generation: GenerationDefaultsSchema.default({}),
  lisa: SkillLisaSchema.optional(),
  /** `activated`: the adapter applies from the skill's invocation on (the shared prefix stays base); `full`: to every token */
  activation: z.enum(['full', 'activated']).default('activated'),
});

export type SkillManifest = z.infer<typeof SkillManifestSchema>;
export type SkillManifestInput = z.input<typeof SkillManifestSchema>;
export type SkillAdapterKind = SkillManifest['adapter']['kind'];
