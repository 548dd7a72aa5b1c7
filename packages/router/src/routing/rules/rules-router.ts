import { PlugboardError } from '@plugboard/core';
import type { Route, RouteDecision } from '../route.ts';
import type { SyncRouter } from '../router.ts';
import { validateRoutes } from '../validate-routes.ts';
import { keywordPattern } from './keyword-pattern.ts';

/** What a rule checks: whole-word keywords, a RegExp, or any predicate. */
export type RuleMatcher = { keywords: readonly string[] } | { pattern: RegExp } | { test: (text: string) => boolean };

/**
 * A rule sends matching texts to `route`; `route: null` is an explicit override to the base
 * model. Among matching rules the highest `priority` wins (default 0), then the earliest.
 */
export type Rule = RuleMatcher & { route: string | null; priority?: number };

interface CompiledRule {
  route: string | null;
  priority: number;
  matches: (text: string) => boolean;
}

/** Deterministic routing by rules; confidence is 1 on a match, 0 (route null) otherwise. */
export class RulesRouter implements SyncRouter {
  readonly strategy = 'rules';
  private compiled: CompiledRule[] | null = null;
  private names: string[] = [];

  /** `rules` come first in declaration order; each route's `keywords` add a priority-0 rule at fit. */
  constructor(private readonly rules: readonly Rule[] = []) {}

  async fit(routes: readonly Route[]): Promise<void> {
    validateRoutes(routes, { requireExamples: false });
    const names = new Set(routes.map((r) => r.name));
    for (const rule of this.rules) {
      if (rule.route !== null && !names.has(rule.route)) {
        throw new PlugboardError('INVALID_ARGUMENT', `A rule targets route "${rule.route}", which is not among the routes; fix the rule or add the route.`);
      }
    }
    const fromKeywords: Rule[] = routes
      .filter((r) => (r.keywords ?? []).length > 0)
      .map((r) => ({ route: r.name, keywords: r.keywords ?? [] }));
    this.compiled = [...this.rules, ...fromKeywords].map(compile);
    this.names = routes.map((r) => r.name);
  }

  route(text: string): RouteDecision {
    if (this.compiled === null) throw new PlugboardError('ROUTER_NOT_FITTED', 'The rules router has not been fitted; call fit(routes) first.');
    const scores: Record<string, number> = Object.fromEntries(this.names.map((name) => [name, 0]));
    let winner: CompiledRule | null = null;
    for (const rule of this.compiled) {
      if (!rule.matches(text)) continue;
      if (rule.route !== null) scores[rule.route] = 1;
      if (winner === null || rule.priority > winner.priority) winner = rule;
    }
    if (winner === null) return { route: null, confidence: 0, scores, strategy: this.strategy };
    return { route: winner.route, confidence: 1, scores, strategy: this.strategy };
  }
}

function compile(rule: Rule): CompiledRule {
  const priority = rule.priority ?? 0;
  if ('keywords' in rule) {
    const pattern = keywordPattern(rule.keywords);
    return { route: rule.route, priority, matches: (text) => pattern.test(text) };
  }
  if ('pattern' in rule) {
    // A global/sticky RegExp keeps state between test() calls; a fresh copy without those flags does not.
    const pattern = new RegExp(rule.pattern.source, rule.pattern.flags.replace(/[gy]/g, ''));
    return { route: rule.route, priority, matches: (text) => pattern.test(text) };
  }
  return { route: rule.route, priority, matches: rule.test };
}
