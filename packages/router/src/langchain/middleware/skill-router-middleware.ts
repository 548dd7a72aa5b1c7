import { AIMessage } from '@langchain/core/messages';
import { createMiddleware } from 'langchain';
import type { ToolChoice } from '@plugboard/core';
import type { GenerationDefaults } from '@plugboard/skills';
import type { BackendEvents } from '../../backend/backend-events.ts';
import { toRegistry } from '../../backend/local/skill-adapters.ts';
import type { SkillSource } from '../../backend/local/skill-adapters.ts';
import type { SkillBackend } from '../../backend/skill-backend.ts';
import type { SkillResult } from '../../backend/skill-result.ts';
import type { ToolLike } from '../../agent/tools/tool-specs.ts';
import { toolSpecs } from '../../agent/tools/tool-specs.ts';
import type { Router } from '../../routing/router.ts';
import { routedStep } from '../../step/routed-step.ts';
import type { StepDecision } from '../../step/step-decision.ts';
import type { RoutingPolicyInput } from '../../step/routing-policy.ts';
import { RoutingPolicySchema, stepRouter } from '../../step/routing-policy.ts';
import { RAW_TEXT_KEY } from '../chat-model/to-chat-messages.ts';
import type { SkillRouterEventEmitter } from './skill-router-events.ts';
import { SKILL_KEY, stepHistory } from './step-history.ts';

export interface SkillRouterMiddlewareOptions {
  /** fitted on the skills' routes; a route name is a skill name, null the base model (wrapped in StickyRouter unless routing.sticky is false) */
  router: Router;
  /** generates every model call (a LocalBackend over the model and its bank) */
  backend: SkillBackend;
  skills: SkillSource;
  /** sampling for every call; a skill's own generation defaults go over it */
  generation?: GenerationDefaults;
  /** what the router reads per call, staying after tool results, hysteresis */
  routing?: RoutingPolicyInput;
  /** the backend conversation (adapter lane) this agent's swaps are reported on (default "langchain-agent") */
  lane?: string;
  /** hears `route` and `adapter:swap` for every model call */
  events?: SkillRouterEventEmitter;
}

/**
 * A LangChain v1 `createAgent` middleware that answers every model call with
 * `routedStep`, the controller's one step: the router reads what the user
 * asked, the skill's instructions enter where it takes over (so the backend's
 * KV cache of the earlier transcript stays valid), and the backend generates
 * under the skill's adapter. The call is answered here (the agent's own
 * `model` is not invoked); the AIMessage records its skill for the next call.
 */
export function skillRouterMiddleware(options: SkillRouterMiddlewareOptions) {
  const { backend, events, lane = 'langchain-agent' } = options;
  const registry = toRegistry(options.skills);
  const policy = RoutingPolicySchema.parse(options.routing ?? {});
  const parts = { router: stepRouter(options.router, policy), backend, registry, policy };
  return createMiddleware({
    name: 'SkillRouterMiddleware',
    wrapModelCall: async (request) => {
      const { messages, current } = stepHistory(request.systemMessage, request.messages, registry);
      const onSwap: BackendEvents['adapter:swap'] = (e) => {
        if (e.conversation === lane) events?.emit('adapter:swap', { from: e.from, to: e.to, fromSkill: e.fromSkill, toSkill: e.toSkill, slot: e.slot });
      };
      backend.events?.on('adapter:swap', onSwap);
      try {
        const step = await routedStep(
          {
            messages,
            current,
            sampling: options.generation,
            tools: toolSpecs(request.tools as ToolLike[]),
            ...(request.toolChoice === undefined ? {} : { toolChoice: toolChoiceOf(request.toolChoice) }),
            conversation: lane,
            signal: (request.runtime as { signal?: AbortSignal }).signal,
          },
          parts,
        );
        const { decision } = step;
        events?.emit('route', { skill: decision.skill, confidence: decision.confidence, scores: decision.scores, strategy: decision.strategy, reason: decision.reason, text: decision.text });
        return aiMessageOf(await step.stream.result, decision);
      } finally {
        backend.events?.off('adapter:swap', onSwap);
      }
    },
  });
}

function toolChoiceOf(choice: NonNullable<Parameters<NonNullable<Parameters<typeof createMiddleware>[0]['wrapModelCall']>>[0]['toolChoice']>): ToolChoice {
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

/** The backend's turn as LangChain's AIMessage; the raw text and the skill ride along so the next call's prompt extends this one. */
function aiMessageOf(result: SkillResult, decision: StepDecision): AIMessage {
  return new AIMessage({
    content: result.text,
    tool_calls: result.toolCalls.map((call) => ({ id: call.id, name: call.name, args: call.args, type: 'tool_call' as const })),
    invalid_tool_calls: result.invalidToolCalls.map((call) => ({ id: call.id, name: call.name ?? undefined, args: call.raw, error: call.error, type: 'invalid_tool_call' as const })),
    additional_kwargs: { [RAW_TEXT_KEY]: result.message.content ?? '', [SKILL_KEY]: decision.skill },
    response_metadata: { finish_reason: result.finishReason, model_provider: 'plugboard', skill: decision.skill, reason: decision.reason, timings: result.timings },
    usage_metadata: {
      input_tokens: result.usage.promptTokens,
      output_tokens: result.usage.completionTokens,
      total_tokens: result.usage.promptTokens + result.usage.completionTokens,
      input_token_details: { cache_read: result.usage.cachedTokens },
    },
  });
}
