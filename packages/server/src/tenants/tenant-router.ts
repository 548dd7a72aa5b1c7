import type { Router } from '@plugboard/router';

/** The router as one tenant sees it: a route to a skill the tenant may not use becomes the base model, with that skill's score dropped. */
export function tenantRouter(router: Router, canUse: (skill: string) => boolean): Router {
  return {
    strategy: router.strategy,
    fit: (routes) => router.fit(routes),
    route: async (text, state) => {
      const decision = await router.route(text, state);
      const scores = Object.fromEntries(Object.entries(decision.scores).filter(([name]) => canUse(name)));
      return decision.route !== null && !canUse(decision.route) ? { ...decision, route: null, scores } : { ...decision, scores };
    },
  };
}
