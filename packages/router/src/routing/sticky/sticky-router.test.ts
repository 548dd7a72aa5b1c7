import { describe, expect, it } from 'vitest';
import { ScriptedRouter } from '../testing/scripted-router.ts';
import { StickyRouter } from './sticky-router.ts';

// A multi-step task about code, where one step looks slightly more like "docs".
const inner = () =>
  new ScriptedRouter('linear', {
    'fix the bug': { route: 'code', confidence: 0.8, scores: { code: 0.8, docs: 0.15, travel: 0.05 } },
    'now update the readme for it': { route: 'docs', confidence: 0.5, scores: { code: 0.4, docs: 0.5, travel: 0.1 } },
    'and run the tests again': { route: null, confidence: 0.45, scores: { code: 0.45, docs: 0.35, travel: 0.2 } },
    'book me a flight to rome': { route: 'travel', confidence: 0.9, scores: { code: 0.05, docs: 0.05, travel: 0.9 } },
  });

describe('StickyRouter', () => {
  it('holds the current route while it stays within the margin, and leaves on a clear change', () => {
    const router = new StickyRouter(inner(), { margin: 0.15 });
    expect(router.route('fix the bug').route).toBe('code');
    const held = router.route('now update the readme for it');
    expect(held.route).toBe('code');
    expect(held.confidence).toBe(0.4);
    // Below the inner threshold, but the current route is the best: stay instead of dropping to the base model.
    expect(router.route('and run the tests again').route).toBe('code');
    expect(router.route('book me a flight to rome').route).toBe('travel');
  });

  it('without a current route it passes the inner decision through', () => {
    const plain = inner();
    const router = new StickyRouter(plain);
    expect(router.route('now update the readme for it')).toEqual(plain.route('now update the readme for it'));
  });

  it('takes the current route from the state passed in, over its own memory', () => {
    const router = new StickyRouter(inner(), { margin: 0.15 });
    router.route('book me a flight to rome');
    expect(router.route('now update the readme for it', { current: 'code' }).route).toBe('code');
    expect(router.route('now update the readme for it', { current: null }).route).toBe('docs');
  });

  it('respects a zero margin and minScore, and reset() forgets the route', () => {
    const strict = new StickyRouter(inner(), { margin: 0 });
    strict.route('fix the bug');
    expect(strict.route('now update the readme for it').route).toBe('docs');
    const floor = new StickyRouter(inner(), { margin: 0.2, minScore: 0.5 });
    floor.route('fix the bug');
    expect(floor.route('and run the tests again').route).toBeNull();
    const forgetful = new StickyRouter(inner());
    forgetful.route('fix the bug');
    forgetful.reset();
    expect(forgetful.route('now update the readme for it').route).toBe('docs');
  });
});
