import { z } from 'zod';
import { StepTextOptionsSchema } from '../agent/transcript/step-text.ts';
import type { RouteDecision } from '../routing/route.ts';
import type { MaybePromise, Router } from '../routing/router.ts';
import { StickyRouter } from '../routing/sticky/sticky-router.ts';

/**
 * How the steps of one task are routed. Defaults: the router reads the latest
 * user turn plus one earlier turn; a step after a tool result stays on the
 * current skill; hysteresis (StickyRouter, margin 0.15) keeps the current
 * skill while its score is close to the best.
 */
export const RoutingPolicySchema = StepTextOptionsSchema.extend({
  /** after a tool result: keep the current skill (`stay`) or route the step like any other (`route`) */
  afterToolResult: z.enum(['stay', 'route']).default('stay'),
  /** hysteresis for multi-step runs; false turns it off */
  sticky: z.union([z.literal(false), z.strictObject({ margin: z.number().min(0).optional(), minScore: z.number().optional() })]).default({}),
});
export type RoutingPolicy = z.infer<typeof RoutingPolicySchema>;
export type RoutingPolicyInput = z.input<typeof RoutingPolicySchema>;

/** The router a multi-step run routes with: wrapped in StickyRouter unless the policy turns hysteresis off or it already is one. */
export function stepRouter(router: Router, policy: RoutingPolicy): Router {
  if (policy.sticky === false || router instanceof StickyRouter) return router;
  return new StickyRouter<MaybePromise<RouteDecision>>(router, policy.sticky);
}
