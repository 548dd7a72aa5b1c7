import { EventEmitter } from 'eventemitter3';
import type { ErrorCode } from '@plugboard/core';
import type { SkillFinishReason } from '../../backend/skill-result.ts';
import type { RouteStrategy } from '../../routing/route.ts';
import type { StepReason } from '../../step/step-decision.ts';

export type AgentStopReason = 'answer' | 'max-steps';

/** Payload of each agent event; every payload carries the run id and the step (0-based). */
export interface AgentEventMap {
  'step:start': { runId: string; step: number; text: string };
  /** the step's routing decision; `skill: null` = the base model; `reason`: routed, sticky (kept the current skill), fallback (below threshold), pinned */
  route: { runId: string; step: number; skill: string | null; confidence: number; scores: Record<string, number>; strategy: RouteStrategy; reason: StepReason };
  /** the bank switched this run's adapter (adapter ids are content hashes; null = base) */
  'adapter:swap': { runId: string; step: number; fromSkill: string | null; toSkill: string | null; from: string | null; to: string | null; slot: number };
  /** visible text as it streams (tool-call markup is held back) */
  token: { runId: string; step: number; text: string };
  'tool:call': { runId: string; step: number; id: string; name: string; args: Record<string, unknown> };
  'tool:result': { runId: string; step: number; id: string; name: string; ok: boolean; content: string; ms: number };
  'step:end': { runId: string; step: number; skill: string | null; text: string; toolCalls: number; finishReason: SkillFinishReason };
  /** a failure inside the run: a tool error observation, or the error that ended the run */
  error: { runId: string; step: number; code: ErrorCode | 'UNKNOWN'; message: string; tool?: string };
  done: { runId: string; step: number; answer: string; steps: number; reason: AgentStopReason };
}

export type AgentEventName = keyof AgentEventMap;

/** An event as the run's iterator yields it and the trace records it. */
export type AgentEvent = { [K in AgentEventName]: { type: K } & AgentEventMap[K] }[AgentEventName];

export type AgentEventListeners = { [K in AgentEventName]: (e: AgentEventMap[K]) => void };

export class AgentEventEmitter extends EventEmitter<AgentEventListeners> {}
