// Type-checked against the published .d.ts (tsc --noEmit, moduleResolution nodenext): the API a TypeScript user sees.
import { createAdapterBank, loadModel, PlugboardError } from '@plugboard/core';
import type { GenerationResult, Model } from '@plugboard/core';
import { SkillRegistry } from '@plugboard/skills';
import type { SkillManifest } from '@plugboard/skills';
import { createAgent, LinearRouter } from '@plugboard/router';
import type { AgentResult } from '@plugboard/router';
import { runTrain } from '@plugboard/train';

export async function answer(dir: string, skills: string[], question: string): Promise<AgentResult> {
  const model: Model = await loadModel(dir, { dtype: 'int4', adapters: { slots: 4, lora: { rank: 8, modules: ['q', 'v'] } } });
  const registry = new SkillRegistry();
  for (const skill of skills) registry.add(skill);
  const manifests: SkillManifest[] = registry.list().map((s) => s.manifest);
  if (manifests.length === 0) throw new PlugboardError('INVALID_ARGUMENT', 'no skills');
  const router = new LinearRouter();
  await router.fit(registry.routes());
  const agent = createAgent({ model, skills: registry, router, bank: createAdapterBank(model) });
  return agent.run(question).result;
}

export function firstText(results: GenerationResult[]): string {
  return results[0]?.text ?? '';
}

export const train: typeof runTrain = runTrain;
