import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import type { RouteDecision } from '../route.ts';
import type { AsyncRouter } from '../router.ts';
import { ScriptedRouter } from '../testing/scripted-router.ts';
import { CascadeRouter } from './cascade-router.ts';

const cheap = () =>
  new ScriptedRouter('cheap', {
    sure: { route: 'a', confidence: 0.95, scores: { a: 0.95, b: 0.05 } },
    unsure: { route: 'a', confidence: 0.55, scores: { a: 0.55, b: 0.45 } },
  });
const costly = () =>
  new ScriptedRouter('costly', {
    sure: { route: 'b', confidence: 0.9, scores: { a: 0.1, b: 0.9 } },
    unsure: { route: 'b', confidence: 0.8, scores: { a: 0.2, b: 0.8 } },
    unknown: { route: 'b', confidence: 0.3, scores: { a: 0.7, b: 0.3 } },
  });

describe('CascadeRouter', () => {
  it('answers from the cheap stage when it is sure, and escalates when it is not', () => {
    const first = cheap();
    const second = costly();
    const cascade = new CascadeRouter([{ router: first, threshold: 0.9 }, second]);
    const sure = cascade.route('sure') as RouteDecision;
    expect(sure.route).toBe('a');
    expect(sure.strategy).toBe('cheap');
    expect(second.calls).toBe(0);
    const unsure = cascade.route('unsure') as RouteDecision;
    expect(unsure.route).toBe('b');
    expect(unsure.strategy).toBe('costly');
    expect(second.calls).toBe(1);
  });

  it('escalates on a null decision and keeps the last stage decision even when unsure', () => {
    const cascade = new CascadeRouter([cheap(), costly()]);
    expect((cascade.route('unknown') as RouteDecision).route).toBe('b');
  });

  it('stays synchronous for sync stages and returns a promise once an async stage is reached', async () => {
    const asyncStage: AsyncRouter = {
      strategy: 'async',
      fit: async () => {},
      route: async () => ({ route: 'b', confidence: 1, scores: { b: 1 }, strategy: 'async' }),
    };
    const cascade = new CascadeRouter([{ router: cheap(), threshold: 0.9 }, asyncStage]);
    expect(cascade.route('sure')).not.toBeInstanceOf(Promise);
    const escalated = cascade.route('unsure');
    expect(escalated).toBeInstanceOf(Promise);
    expect((await escalated).strategy).toBe('async');
  });

  it('fits every stage and needs at least one', async () => {
    const fitted: string[] = [];
    const stage = (name: string): AsyncRouter => ({
      strategy: name,
      fit: async () => void fitted.push(name),
      route: async () => ({ route: null, confidence: 0, scores: {}, strategy: name }),
    });
    await new CascadeRouter([stage('x'), stage('y')]).fit([{ name: 'r', examples: ['e'] }]);
    expect(fitted).toEqual(['x', 'y']);
    try {
      new CascadeRouter([]);
      expect.unreachable();
    } catch (error) {
      expect(isPlugboardError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
