import { EventEmitter } from 'eventemitter3';
import type { RouteStrategy } from '../../routing/route.ts';
import type { StepReason } from '../../step/step-decision.ts';

/** Typed events of skillRouterMiddleware, for every model call. */
export interface SkillRouterEvents {
  route: (e: { skill: string | null; confidence: number; scores: Record<string, number>; strategy: RouteStrategy; reason: StepReason; text: string }) => void;
  /** the backend switched this middleware's lane to another adapter (ids are content hashes; null = base) */
  'adapter:swap': (e: { fromSkill: string | null; toSkill: string | null; from: string | null; to: string | null; slot: number }) => void;
}

export class SkillRouterEventEmitter extends EventEmitter<SkillRouterEvents> {}
