import type { Route, RouteDecision, RouteStrategy } from './route.ts';

export type MaybePromise<T> = T | Promise<T>;

/** Routing context carried across the steps of one task (used for hysteresis). */
export interface RouteState {
  current?: string | null;
}

/**
 * Every strategy implements this. `D` says whether `route` is synchronous
 * (`RouteDecision`, rules/linear) or asynchronous (`Promise<RouteDecision>`, embedding),
 * so sync routers stay sync in the types and callers only await where needed.
 * A new strategy (e.g. model-scored zero-shot) is just another implementation.
 */
export interface Router<D extends MaybePromise<RouteDecision> = MaybePromise<RouteDecision>> {
  readonly strategy: RouteStrategy;
  fit(routes: readonly Route[]): Promise<void>;
  route(text: string, state?: RouteState): D;
}

export type SyncRouter = Router<RouteDecision>;
export type AsyncRouter = Router<Promise<RouteDecision>>;
