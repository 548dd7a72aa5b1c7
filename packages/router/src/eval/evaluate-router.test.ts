import { describe, expect, it } from 'vitest';
import { ScriptedRouter } from '../routing/testing/scripted-router.ts';
import { evaluateRouter } from './evaluate-router.ts';

describe('evaluateRouter', () => {
  it('routes each example, scores decisions and reports latency', async () => {
    const router = new ScriptedRouter('test', {
      'hello a': { route: 'a', confidence: 0.9, scores: { a: 0.9, b: 0.1 } },
      'hello b': { route: null, confidence: 0.4, scores: { a: 0.4, b: 0.6 } },
    });
    const result = await evaluateRouter(
      router,
      [
        { text: 'hello a', label: 'a' },
        { text: 'hello b', label: 'b' },
        { text: 'other', label: null },
      ],
      { fitMs: 12, warmup: 0 },
    );
    expect(router.calls).toBe(3);
    expect(result.accuracy).toBe(0.5);
    expect(result.oos_recall).toBe(1);
    expect(result.fit_ms).toBe(12);
    expect(result.examples).toBe(3);
    expect(result.route_p50_us).toBeGreaterThanOrEqual(0);
    expect(result.route_p99_us).toBeGreaterThanOrEqual(result.route_p50_us ?? 0);
    // 'hello b': top route b (0.4 is its decision confidence as scripted), and b is the label.
    expect(result.confusion.matrix[1]).toEqual([0, 0, 1]);
  });
});
