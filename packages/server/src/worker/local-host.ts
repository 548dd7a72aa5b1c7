import { MODEL_DTYPES, createAdapterBank, loadModel } from '@plugboard/core';
import type { LoraModule } from '@plugboard/core';
import { z } from 'zod';
import { SkillCatalog } from '../catalog/skill-catalog.ts';
import { readSkillsFolder } from '../catalog/read-skills-folder.ts';
import { localHostParts } from './local-host-parts.ts';
import type { ModelHostParts } from './model-host.ts';

export const LocalHostOptionsSchema = z.strictObject({
  model: z.string().min(1),
  skills: z.string().min(1),
  dtype: z.enum(MODEL_DTYPES).default('fp32'),
  /** prefill prompts at this precision (loadModel's prefillDtype) */
  prefillDtype: z.enum(MODEL_DTYPES).optional(),
  /** adapter slots besides the base's slot 0 (default: one per skill version, at least 1) */
  slots: z.number().int().positive().optional(),
  /** the largest LoRA rank a skill loaded later may have (default: the largest among the skills) */
  maxRank: z.number().int().positive().optional(),
  /** rows of the continuous decode batch (serve() passes the config's limits.batch) */
  batchRows: z.number().int().positive().optional(),
});
export type LocalHostOptions = z.input<typeof LocalHostOptionsSchema>;

/** The production host: the model folder loaded with adapter slots sized from the skills, a bank, and LocalBackend over the catalog. */
export async function createHost(input: unknown): Promise<ModelHostParts> {
  const options = LocalHostOptionsSchema.parse(input);
  const skills = readSkillsFolder(options.skills);
  const lora = skills.filter((s) => s.adapter.kind === 'lora');
  const modules = [...new Set(lora.flatMap((s) => s.adapter.modules))] as LoraModule[];
  const rank = options.maxRank ?? Math.max(8, ...lora.map((s) => s.adapter.rank));
  const model = await loadModel(options.model, {
    dtype: options.dtype,
    prefillDtype: options.prefillDtype,
    hiddenStates: true,
    adapters: { slots: 1 + (options.slots ?? Math.max(1, skills.length)), lora: { rank, modules: modules.length > 0 ? modules : ['q', 'v'] } },
  });
  const bank = createAdapterBank(model);
  return localHostParts(model, bank, new SkillCatalog(skills), options.batchRows === undefined ? {} : { batchRows: options.batchRows });
}
