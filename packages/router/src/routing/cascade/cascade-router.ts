import { PlugboardError } from '@plugboard/core';
import type { Route, RouteDecision } from '../route.ts';
import type { MaybePromise, Router, RouteState } from '../router.ts';

export interface CascadeStage {
  router: Router;
  /** Escalate to the next stage when this stage's decision is null or its confidence is below this (default 0.5). */
  threshold?: number;
}

/**
 * Tries cheap routers first and escalates only when unsure. Stays synchronous until a
 * stage returns a promise, so a rules → linear cascade costs no await.
 * The last stage's decision stands, whatever its confidence.
 */
export class CascadeRouter implements Router {
  readonly strategy = 'cascade';
  private readonly stages: readonly CascadeStage[];

  constructor(stages: readonly (CascadeStage | Router)[]) {
    if (stages.length === 0) throw new PlugboardError('INVALID_ARGUMENT', 'A cascade needs at least one stage.');
    this.stages = stages.map((s) => ('router' in s ? s : { router: s }));
  }

  async fit(routes: readonly Route[]): Promise<void> {
    for (const stage of this.stages) await stage.router.fit(routes);
  }

  route(text: string, state?: RouteState): MaybePromise<RouteDecision> {
    return this.fromStage(0, text, state);
  }

  private fromStage(index: number, text: string, state: RouteState | undefined): MaybePromise<RouteDecision> {
    const decision = this.stages[index].router.route(text, state);
    return decision instanceof Promise
      ? decision.then((d) => this.escalateIfUnsure(index, d, text, state))
      : this.escalateIfUnsure(index, decision, text, state);
  }

  private escalateIfUnsure(index: number, decision: RouteDecision, text: string, state: RouteState | undefined): MaybePromise<RouteDecision> {
    const isLast = index === this.stages.length - 1;
    const sure = decision.route !== null && decision.confidence >= (this.stages[index].threshold ?? 0.5);
    return isLast || sure ? decision : this.fromStage(index + 1, text, state);
  }
}
