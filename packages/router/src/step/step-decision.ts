import type { RouteDecision, RouteStrategy } from '../routing/route.ts';

/** Why a step runs the skill it runs. */
export type StepReason = 'routed' | 'sticky' | 'fallback' | 'pinned';

/** A step's routing decision: the skill (null = base model), the router's view of it, and the reason. */
export interface StepDecision {
  skill: string | null;
  confidence: number;
  scores: Record<string, number>;
  strategy: RouteStrategy;
  reason: StepReason;
  /** what the router read */
  text: string;
}

/** The reason of a router's decision: no skill → fallback; the current skill kept although another scored best → sticky. */
export function reasonOf(decision: RouteDecision, current: string | null): StepReason {
  if (decision.route === null) return 'fallback';
  if (decision.route !== current) return 'routed';
  const best = Object.entries(decision.scores).reduce<[string | null, number]>((top, [name, score]) => (score > top[1] ? [name, score] : top), [null, -Infinity])[0];
  return best === null || best === current ? 'routed' : 'sticky';
}
