import type { Route, RouteDecision } from '../route.ts';
import type { SyncRouter } from '../router.ts';

/**
 * A test double: returns the decision scripted for each text (or a null decision), and
 * counts calls, so wrappers (cascade, sticky, evaluation) can be tested in isolation.
 */
export class ScriptedRouter implements SyncRouter {
  calls = 0;

  constructor(
    readonly strategy: string,
    private readonly script: Readonly<Record<string, Omit<RouteDecision, 'strategy'>>>,
  ) {}

  async fit(_routes: readonly Route[]): Promise<void> {}

  route(text: string): RouteDecision {
    this.calls++;
    const scripted = this.script[text] ?? { route: null, confidence: 0, scores: {} };
    return { ...scripted, strategy: this.strategy };
  }
}
