import { PlugboardError } from '@plugboard/core';
import type { Route, RouteDecision } from '../route.ts';
import type { MaybePromise, Router, RouteState } from '../router.ts';

export interface StickyOptions {
  /** Stay on the current route while its score is within this much of the best score (default 0.15). */
  margin?: number;
  /** …and at least this high (default 0), so a step that fits nothing can still leave. */
  minScore?: number;
}

/**
 * Hysteresis against flapping in multi-step tasks: keeps the current route while its
 * score stays within `margin` of the best, even when another route (or, below the
 * threshold, no route) would win by a little. The current route comes from the `state`
 * passed to `route`, or else from this wrapper's own memory of its last decision.
 */
export class StickyRouter<D extends MaybePromise<RouteDecision>> implements Router<D> {
  readonly strategy: string;
  private current: string | null = null;
  private readonly margin: number;
  private readonly minScore: number;

  constructor(
    private readonly inner: Router<D>,
    options: StickyOptions = {},
  ) {
    this.strategy = inner.strategy;
    this.margin = options.margin ?? 0.15;
    this.minScore = options.minScore ?? 0;
    if (!(this.margin >= 0)) throw new PlugboardError('INVALID_ARGUMENT', `margin must be ≥ 0, got ${this.margin}.`);
  }

  async fit(routes: readonly Route[]): Promise<void> {
    this.current = null;
    await this.inner.fit(routes);
  }

  /** Forgets the remembered route (start of a new task). */
  reset(): void {
    this.current = null;
  }

  route(text: string, state?: RouteState): D {
    const current = state?.current !== undefined ? state.current : this.current;
    const decision = this.inner.route(text, state);
    // The cast restores D: a sync inner router gives a sync result, an async one a promise.
    return (decision instanceof Promise ? decision.then((d) => this.hold(d, current)) : this.hold(decision, current)) as D;
  }

  private hold(decision: RouteDecision, current: string | null): RouteDecision {
    const held = current !== null && current !== decision.route ? this.stayOn(decision, current) : decision;
    this.current = held.route;
    return held;
  }

  private stayOn(decision: RouteDecision, current: string): RouteDecision {
    const score = decision.scores[current];
    if (score === undefined) return decision;
    const best = Math.max(...Object.values(decision.scores));
    if (score < this.minScore || best - score > this.margin) return decision;
    return { ...decision, route: current, confidence: score };
  }
}
