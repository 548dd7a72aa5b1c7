import { z } from 'zod';
import { PlugboardError } from '../../../errors/plugboard-error.ts';

const IntOrList = z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative())]);
const StringOrList = z.union([z.string(), z.array(z.string())]);

/**
 * PEFT's LoraConfig as `adapter_config.json` stores it. The fields we act on
 * are typed; everything else (task_type, revision, lora_dropout, ...) passes
 * through untouched so writing it back loses nothing.
 */
export const PeftLoraConfigSchema = z.looseObject({
  peft_type: z.literal('LORA'),
  r: z.number().int().positive().default(8),
  lora_alpha: z.number().positive().default(8),
  /** names (suffix match), one regex (re.fullmatch over the module path), or "all-linear" */
  target_modules: StringOrList,
  exclude_modules: StringOrList.nullish(),
  /** LISA-sparse skills: only these layer indices carry LoRA */
  layers_to_transform: IntOrList.nullish(),
  layers_pattern: StringOrList.nullish(),
  /** module-path pattern -> rank / alpha, first match wins (PEFT's get_pattern_key) */
  rank_pattern: z.record(z.string(), z.number().int().positive()).nullish(),
  alpha_pattern: z.record(z.string(), z.number().positive()).nullish(),
  /** scaling alpha/sqrt(r) instead of alpha/r */
  use_rslora: z.boolean().default(false),
  base_model_name_or_path: z.string().nullish(),
  // options that change the computation in ways the adapter slots cannot express: refused when set
  use_dora: z.boolean().nullish(),
  bias: z.string().nullish(),
  modules_to_save: z.array(z.string()).nullish(),
  fan_in_fan_out: z.boolean().nullish(),
  lora_bias: z.boolean().nullish(),
  megatron_config: z.unknown().optional(),
  layer_replication: z.unknown().optional(),
  trainable_token_indices: z.unknown().optional(),
  target_parameters: z.array(z.string()).nullish(),
  alora_invocation_tokens: z.unknown().optional(),
});

export type PeftLoraConfig = z.infer<typeof PeftLoraConfigSchema>;
export type PeftLoraConfigInput = z.input<typeof PeftLoraConfigSchema>;

/** The first option set that we cannot run, as [field, value shown in the error], or null. */
function unsupportedOption(config: PeftLoraConfig): [string, unknown] | null {
  const present = (value: unknown) => value !== undefined && value !== null;
  const checks: [string, unknown, boolean][] = [
    ['use_dora', config.use_dora, config.use_dora === true],
    ['bias', config.bias, present(config.bias) && config.bias !== 'none'],
    ['modules_to_save', config.modules_to_save, (config.modules_to_save?.length ?? 0) > 0],
    ['fan_in_fan_out', config.fan_in_fan_out, config.fan_in_fan_out === true],
    ['lora_bias', config.lora_bias, config.lora_bias === true],
    ['megatron_config', config.megatron_config, present(config.megatron_config)],
    ['layer_replication', config.layer_replication, present(config.layer_replication)],
    ['trainable_token_indices', config.trainable_token_indices, present(config.trainable_token_indices)],
    ['target_parameters', config.target_parameters, (config.target_parameters?.length ?? 0) > 0],
    ['alora_invocation_tokens', config.alora_invocation_tokens, present(config.alora_invocation_tokens)],
  ];
  const hit = checks.find(([, , refused]) => refused);
  return hit ? [hit[0], hit[1]] : null;
}

/** UNSUPPORTED_FEATURE naming the field, for options we would otherwise ignore silently. */
export function refuseUnsupportedPeftOptions(config: PeftLoraConfig, source: string): void {
  const hit = unsupportedOption(config);
  if (!hit) return;
  const [field, value] = hit;
  throw new PlugboardError(
    'UNSUPPORTED_FEATURE',
    `${source} sets ${field} = ${JSON.stringify(value)}, which Plugboard's adapter slots cannot run; ` +
      'retrain the skill without it (plain LoRA on the attention/MLP projections)',
    { details: { field, value } },
  );
}

/** Parses a config object (e.g. one handed to the writer); ADAPTER_INVALID names the field. */
export function parsePeftLoraConfig(raw: unknown, source: string): PeftLoraConfig {
  const parsed = PeftLoraConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlugboardError('ADAPTER_INVALID', `${source} is invalid at "${issue?.path.join('.')}": ${issue?.message}`, {
      cause: parsed.error,
      details: { field: issue?.path.join('.') },
    });
  }
  return parsed.data;
}
