import { findSkill, RoutingPolicySchema, stepRouter, toRegistry } from '@plugboard/router';
import type { Router, RoutingPolicyInput, SkillBackend, SkillSource } from '@plugboard/router';
import type { GenerationDefaults } from '@plugboard/skills';
import type { PlugboardModelId } from './plugboard-language-model.ts';
import { PlugboardLanguageModel } from './plugboard-language-model.ts';

export interface PlugboardProviderOptions {
  backend: SkillBackend;
  skills: SkillSource;
  /** routes `auto` calls (wrapped in StickyRouter unless routing.sticky is false) */
  router: Router;
  routing?: RoutingPolicyInput;
  /** default sampling under every call's own settings */
  generation?: GenerationDefaults;
  /** a backend that yields nothing this long is stopped (BACKEND_ERROR) */
  backendIdleTimeoutMs?: number;
}

export interface PlugboardProvider {
  (modelId: PlugboardModelId): PlugboardLanguageModel;
  languageModel(modelId: PlugboardModelId): PlugboardLanguageModel;
}

/**
 * The AI SDK provider: `plugboard('auto')` routes every call to a skill,
 * `plugboard('sql')` pins one (SKILL_NOT_FOUND, listing the known skills, for
 * a name no skill has).
 */
export function createPlugboard(options: PlugboardProviderOptions): PlugboardProvider {
  const registry = toRegistry(options.skills);
  const policy = RoutingPolicySchema.parse(options.routing ?? {});
  const parts = { router: stepRouter(options.router, policy), backend: options.backend, registry, policy, ...(options.backendIdleTimeoutMs === undefined ? {} : { backendIdleTimeoutMs: options.backendIdleTimeoutMs }) };
  const languageModel = (modelId: PlugboardModelId) => {
    if (modelId !== 'auto') findSkill(registry, modelId);
    return new PlugboardLanguageModel(modelId, parts, options.generation);
  };
  return Object.assign(languageModel, { languageModel });
}
