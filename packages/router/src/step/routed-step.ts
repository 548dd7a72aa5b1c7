import type { ChatMessage, ToolChoice } from '@plugboard/core';
import type { GenerationDefaults, SkillRegistry } from '@plugboard/skills';
import { findSkill } from '../backend/local/skill-adapters.ts';
import type { SkillBackend, SkillStream } from '../backend/skill-backend.ts';
import type { ResponseFormat, ToolSpec } from '../backend/skill-request.ts';
import { stepText } from '../agent/transcript/step-text.ts';
import type { Router } from '../routing/router.ts';
import { guardStream } from './guard-stream.ts';
import type { RoutingPolicy } from './routing-policy.ts';
import type { StepDecision } from './step-decision.ts';
import { reasonOf } from './step-decision.ts';
import { withSkillPrompt } from './skill-prompt.ts';

/** Five minutes: generous, since a local backend yields nothing while it prefills a long prompt or writes a tool call. */
export const DEFAULT_BACKEND_IDLE_MS = 300_000;

/** What a front end knows at a step. */
export interface StepState {
  /** the transcript so far, skill prompts of earlier steps in place */
  messages: readonly ChatMessage[];
  /** the skill of the previous step of this task (null: the base model; undefined: this is the first step) */
  current?: string | null;
  /** skip routing and run this skill (null: the base model) */
  pinned?: string | null;
  tools?: ToolSpec[];
  /** sampling for the step; the skill's own generation defaults go over it */
  sampling?: GenerationDefaults;
  responseFormat?: ResponseFormat;
  toolChoice?: ToolChoice;
  /** decode under a token mask (true/false over the backend's policy; see SkillRequest) */
  constrained?: boolean;
  toolCallIdPrefix?: string;
  /** the conversation key (adapter lane) the backend reports swaps under */
  conversation?: string;
  signal?: AbortSignal;
}

/** What every step uses, fixed by the front end. */
export interface StepParts {
  /** routes are skill names; null is the base model */
  router: Router;
  backend: SkillBackend;
  registry: SkillRegistry;
  policy: RoutingPolicy;
  /** a backend that yields nothing this long is stopped with BACKEND_ERROR (default DEFAULT_BACKEND_IDLE_MS); a long prefill or a tool call being written yields nothing either */
  backendIdleTimeoutMs?: number;
}

export interface RoutedStep {
  decision: StepDecision;
  /** the messages the backend was given: the history plus the skill's instructions where it takes over */
  messages: ChatMessage[];
  stream: SkillStream;
}

/**
 * One agent step, the same for every front end (agent loop, LangChain
 * middleware, AI SDK provider, HTTP server): route what the user asked (never
 * a tool result; after one, stay on the current skill unless the policy says
 * `route`), add the skill's instructions where it takes over, and start the
 * backend's generation with the skill's sampling defaults.
 */
export async function routedStep(state: StepState, parts: StepParts): Promise<RoutedStep> {
  const decision = await decideStep(state, parts);
  return { decision, ...startStep(state, decision.skill, parts) };
}

/**
 * The generation half of a step, for a front end that decided the skill
 * itself (LangChain's model call under skillRouterMiddleware): the skill's
 * instructions enter where it takes over, and the backend starts under it.
 */
export function startStep(state: StepState, skillName: string | null, parts: Pick<StepParts, 'backend' | 'registry' | 'backendIdleTimeoutMs'>): Omit<RoutedStep, 'decision'> {
  const skill = skillName === null ? null : findSkill(parts.registry, skillName);
  const messages = withSkillPrompt(state.messages, skill, state.current ?? null);
  const abort = new AbortController();
  const signal = state.signal === undefined ? abort.signal : AbortSignal.any([state.signal, abort.signal]);
  const stream = parts.backend.generate({
    messages,
    tools: state.tools ?? [],
    skill: skillName,
    sampling: { ...state.sampling, ...skill?.manifest.generation },
    ...(state.responseFormat === undefined ? {} : { responseFormat: state.responseFormat }),
    ...(state.toolChoice === undefined ? {} : { toolChoice: state.toolChoice }),
    ...(state.constrained === undefined ? {} : { constrained: state.constrained }),
    ...(state.toolCallIdPrefix === undefined ? {} : { toolCallIdPrefix: state.toolCallIdPrefix }),
    ...(state.conversation === undefined ? {} : { conversation: state.conversation }),
    signal,
  });
  return { messages, stream: guardStream(stream, parts.backendIdleTimeoutMs ?? DEFAULT_BACKEND_IDLE_MS, abort) };
}

/** The routing half of a step: which skill runs it, and why. */
export async function decideStep(state: StepState, parts: Pick<StepParts, 'router' | 'registry' | 'policy'>): Promise<StepDecision> {
  const text = stepText(state.messages, parts.policy);
  if (state.pinned !== undefined) {
    if (state.pinned !== null) findSkill(parts.registry, state.pinned);
    return { skill: state.pinned, confidence: 1, scores: {}, strategy: 'pinned', reason: 'pinned', text };
  }
  const current = state.current ?? null;
  const routed = await parts.router.route(text, { current });
  const afterTool = state.messages.at(-1)?.role === 'tool' && state.current !== undefined;
  if (afterTool && parts.policy.afterToolResult === 'stay') {
    return { skill: current, confidence: current === null ? routed.confidence : (routed.scores[current] ?? routed.confidence), scores: routed.scores, strategy: routed.strategy, reason: 'sticky', text };
  }
  return { skill: routed.route, confidence: routed.confidence, scores: routed.scores, strategy: routed.strategy, reason: reasonOf(routed, current), text };
}
