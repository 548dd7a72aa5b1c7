import type { ModelDType } from '@plugboard/core';
import { LocalBackend, createAgent, loadModelForSkills, loadRouterFile } from '@plugboard/router';
import type { Agent, Router, SkillModel } from '@plugboard/router';
import { SkillRegistry } from '@plugboard/skills';
import type { DocIndex } from '@plugboard/skills';
import { AGENT_SYSTEM_PROMPT, SHIPPED } from './assistant-files.ts';
import { openHandbookIndex } from './handbook-index.ts';
import { assistantTools } from './tools.ts';

export interface AssistantOptions {
  dtype?: ModelDType;
  threads?: number;
  /** the tokens a reply may have (JSON verdicts and extractions need ~80) */
  maxTokens?: number;
}

/** Everything the assistant runs on, loaded once: one base model, four skills in its adapter bank, the router, the tools and the handbook index. */
export interface Assistant {
  agent: Agent;
  backend: LocalBackend;
  skills: SkillModel;
  registry: SkillRegistry;
  router: Router;
  index: DocIndex;
  dispose(): Promise<void>;
}

/**
 * Loads the shipped assistant: the base in `model/`, the skill packages in
 * `skills/` (slots sized for all of them), the router in `router.json` and
 * the handbook's search index. Tool calls are constrained to the tools'
 * schemas even when the model chooses to call one (`constrainAutoToolCalls`),
 * so every call it makes parses and validates.
 */
export async function loadAssistant(options: AssistantOptions = {}): Promise<Assistant> {
  const registry = new SkillRegistry();
  registry.addFolder(SHIPPED.skills);
  const skills = await loadModelForSkills(SHIPPED.model, registry, { dtype: options.dtype, intraOpNumThreads: options.threads });
  const index = await openHandbookIndex();
  const { router } = await loadRouterFile(SHIPPED.router);
  const backend = new LocalBackend({ model: skills.model, bank: skills.bank, skills: registry, constrainAutoToolCalls: true });
  const agent = createAgent({
    backend,
    skills: registry,
    router,
    tools: assistantTools(index),
    systemPrompt: AGENT_SYSTEM_PROMPT,
    generation: { temperature: 0, maxTokens: options.maxTokens ?? 120 },
    maxSteps: 4,
  });
  return {
    agent,
    backend,
    skills,
    registry,
    router,
    index,
    async dispose() {
      index.close();
      await skills.model.dispose();
    },
  };
}
