import type { RouteDecision, Router } from '@plugboard/router';

/**
 * A router that always answers `route` (a skill, or null for the base
 * model): what the eval uses to run a task on one skill (its own, or none)
 * through the same agent loop as the routed assistant.
 */
export class FixedRouter implements Router<RouteDecision> {
  readonly strategy = 'fixed';
  route: (text: string) => RouteDecision;

  constructor(skill: string | null) {
    this.route = () => ({ route: skill, confidence: 1, scores: skill === null ? {} : { [skill]: 1 }, strategy: 'fixed' });
  }

  async fit(): Promise<void> {}
}
