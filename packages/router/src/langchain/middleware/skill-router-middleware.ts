import { AIMessage } from '@langchain/core/messages';
import { createMiddleware } from 'langchain';
import type { GenerationDefaults } from '@plugboard/skills';
import type { BackendEvents } from '../../backend/backend-events.ts';
import { toRegistry } from '../../backend/local/skill-adapters.ts';
import type { SkillSource } from '../../backend/local/skill-adapters.ts';
import type { SkillBackend } from '../../backend/skill-backend.ts';
import type { Router } from '../../routing/router.ts';
import { decideStep } from '../../step/routed-step.ts';
import type { RoutingPolicyInput } from '../../step/routing-policy.ts';
import { RoutingPolicySchema, stepRouter } from '../../step/routing-policy.ts';
import { PlugboardChatModel } from '../chat-model/plugboard-chat-model.ts';
import { stepHistory } from '../chat-model/step-history.ts';
import type { SkillRouterEventEmitter } from './skill-router-events.ts';

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
 * A LangChain v1 `createAgent` middleware that routes every model call to a
 * skill, as the controller's step does (the router reads what the user asked;
 * after a tool result the step stays on its skill), then lets the call run
 * through the handler on a PlugboardChatModel over `backend` with the routed
 * skill as its `skill` call option. The agent's own `model` is replaced per
 * call by that one, so LangChain's callbacks and LangSmith see the skill
 * (`ls_model_name`, `plugboard_skill` in the run metadata; `skill` and the
 * routing `reason` in response_metadata), and the skill's instructions enter
 * where it takes over, so the backend's KV cache of the earlier transcript
 * stays valid.
 */
export function skillRouterMiddleware(options: SkillRouterMiddlewareOptions) {
  const { backend, events, lane = 'langchain-agent' } = options;
  const registry = toRegistry(options.skills);
  const policy = RoutingPolicySchema.parse(options.routing ?? {});
  const parts = { router: stepRouter(options.router, policy), registry, policy };
  const model = new PlugboardChatModel({ backend, skills: registry, conversation: lane, ...(options.generation === undefined ? {} : { generation: options.generation }) });
  return createMiddleware({
    name: 'SkillRouterMiddleware',
    wrapModelCall: async (request, handler) => {
      // what the model will be sent: createAgent leaves out an empty system message
      const sent = request.systemMessage.text === '' ? request.messages : [request.systemMessage, ...request.messages];
      const { messages, current } = stepHistory(sent, registry);
      const decision = await decideStep({ messages, current }, parts);
      events?.emit('route', { skill: decision.skill, confidence: decision.confidence, scores: decision.scores, strategy: decision.strategy, reason: decision.reason, text: decision.text });
      const onSwap: BackendEvents['adapter:swap'] = (e) => {
        if (e.conversation === lane) events?.emit('adapter:swap', { from: e.from, to: e.to, fromSkill: e.fromSkill, toSkill: e.toSkill, slot: e.slot });
      };
      backend.events?.on('adapter:swap', onSwap);
      try {
        const reply = await handler({ ...request, model, modelSettings: { ...request.modelSettings, skill: decision.skill } });
        if (AIMessage.isInstance(reply)) reply.response_metadata = { ...reply.response_metadata, reason: decision.reason };
        return reply;
      } finally {
        backend.events?.off('adapter:swap', onSwap);
      }
    },
  });
}
