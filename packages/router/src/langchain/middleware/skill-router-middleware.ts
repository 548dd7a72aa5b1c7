import { SystemMessage } from '@langchain/core/messages';
import { createMiddleware } from 'langchain';
import type { ModelConfig } from '@plugboard/core';
import type { Skill } from '@plugboard/skills';
import type { StepTextOptions } from '../../agent/transcript/step-text.ts';
import { stepText } from '../../agent/transcript/step-text.ts';
import type { AdapterBankPort, AdapterLeasePort, AdapterSwapEvent } from '../../agent/skills/adapter-bank-port.ts';
import type { SkillSource } from '../../agent/skills/skill-adapters.ts';
import { SkillAdapters } from '../../agent/skills/skill-adapters.ts';
import type { Router } from '../../routing/router.ts';
import type { PlugboardChatModelCallOptions } from '../chat-model/plugboard-chat-model.ts';
import { toChatMessages } from '../chat-model/to-chat-messages.ts';
import type { SkillRouterEventEmitter } from './skill-router-events.ts';

export interface SkillRouterMiddlewareOptions {
  /** fitted on the skills' routes; a route name is a skill name, null the base model */
  router: Router;
  /** the adapter bank over the chat model's slots */
  bank: AdapterBankPort;
  skills: SkillSource;
  /** the base model the bank belongs to: skill adapters are read and checked against it */
  model: { readonly config: ModelConfig; readonly weightsFingerprint: string };
  /** what the router reads per call */
  routing?: StepTextOptions;
  /** the bank lane this agent's swaps are reported on (default "langchain-agent") */
  lane?: string;
  /** hears `route` and `adapter:swap` for every model call */
  events?: SkillRouterEventEmitter;
}

/**
 * A LangChain v1 `createAgent` middleware that routes every model call to a
 * skill: the router reads the step (latest user turn or tool result + short
 * history), the skill's adapter is leased from the bank for exactly that call
 * (base model for a null route) and passed to PlugboardChatModel through the
 * call's model settings, and the skill's system prompt is added.
 */
export function skillRouterMiddleware(options: SkillRouterMiddlewareOptions) {
  const { router, bank, events, routing = {}, lane = 'langchain-agent' } = options;
  const adapters = new SkillAdapters(options.skills, bank, { config: options.model.config, fingerprint: options.model.weightsFingerprint });
  return createMiddleware({
    name: 'SkillRouterMiddleware',
    wrapModelCall: async (request, handler) => {
      const text = stepText(toChatMessages(request.messages), routing);
      const decision = await router.route(text);
      const skill = adapters.skill(decision.route);
      events?.emit('route', { skill: decision.route, confidence: decision.confidence, scores: decision.scores, strategy: decision.strategy, text });
      const lease = acquireReportingSwaps(adapters, bank, skill, lane, events);
      try {
        const settings: Partial<PlugboardChatModelCallOptions> = {
          adapter: lease.id === null ? null : { slot: lease.slot, id: lease.id },
          activation: skill?.manifest.activation ?? 'activated',
          generation: skill?.manifest.generation ?? {},
        };
        const prompt = skill?.manifest.systemPrompt ?? '';
        return await handler({
          ...request,
          systemMessage: withSkillPrompt(request.systemMessage, prompt),
          modelSettings: { ...request.modelSettings, ...settings },
        });
      } finally {
        lease.release();
      }
    },
  });
}

/** Leases the skill's adapter, forwarding the bank's swap on this lane with skill names. */
function acquireReportingSwaps(adapters: SkillAdapters, bank: AdapterBankPort, skill: Skill | null, lane: string, events: SkillRouterEventEmitter | undefined): AdapterLeasePort {
  const onSwap = (e: AdapterSwapEvent) => {
    if (e.lane === lane) events?.emit('adapter:swap', { from: e.from, to: e.to, fromSkill: adapters.skillOf(e.from), toSkill: adapters.skillOf(e.to), slot: e.slot });
  };
  bank.events.on('adapter:swap', onSwap);
  try {
    return adapters.acquire(skill, lane);
  } finally {
    bank.events.off('adapter:swap', onSwap);
  }
}

function withSkillPrompt(system: SystemMessage, prompt: string): SystemMessage {
  if (prompt === '') return system;
  return system.text === '' ? new SystemMessage(prompt) : system.concat(`\n\n${prompt}`);
}
