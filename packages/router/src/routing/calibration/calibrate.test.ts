import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import type { LabeledText } from '../route.ts';
import { calibrate } from './calibrate.ts';
import type { Calibratable, Calibration } from './calibration.ts';
import { decideFromLogits } from './decide.ts';
import { fitCalibrated } from './fit-calibrated.ts';
import { holdOutExamples } from './holdout-split.ts';
import { LinearRouter } from '../linear/linear-router.ts';

/** Logits looked up from a table: lets calibration be tested without a trained model. */
class TableScorer implements Calibratable {
  readonly labels = ['a', 'b'];
  calibration: Calibration = { temperature: 1, threshold: 0 };
  constructor(private readonly table: Record<string, [number, number]>) {}
  logits(text: string): Float64Array {
    return Float64Array.from(this.table[text]);
  }
}

describe('calibrate', () => {
  it('fits temperature and a threshold that sends out-of-scope texts to null', async () => {
    const scorer = new TableScorer({ a1: [6, 0], a2: [5, 1], b1: [0, 6], b2: [1, 5], o1: [1, 0], o2: [0, 1.2] });
    const heldOut: LabeledText[] = [
      { text: 'a1', label: 'a' },
      { text: 'a2', label: 'a' },
      { text: 'b1', label: 'b' },
      { text: 'b2', label: 'b' },
      { text: 'o1', label: null },
      { text: 'o2', label: null },
    ];
    const report = await calibrate(scorer, heldOut);
    expect(scorer.calibration).toBe(report.calibration);
    const decide = (text: string) => decideFromLogits(scorer.labels, scorer.logits(text), scorer.calibration, 'test');
    expect(decide('a1').route).toBe('a');
    expect(decide('b2').route).toBe('b');
    expect(decide('o1').route).toBeNull();
    expect(decide('o2').route).toBeNull();
  });

  it('fits per-route thresholds where a route has enough held-out predictions', async () => {
    const table: Record<string, [number, number]> = {};
    const heldOut: LabeledText[] = [];
    for (let i = 0; i < 4; i++) {
      table[`a${i}`] = [4 + i, 0];
      table[`oa${i}`] = [1 + i * 0.1, 0];
      heldOut.push({ text: `a${i}`, label: 'a' }, { text: `oa${i}`, label: null });
    }
    table.b0 = [0, 3];
    heldOut.push({ text: 'b0', label: 'b' });
    const scorer = new TableScorer(table);
    const report = await calibrate(scorer, heldOut, { perRoute: true, minRouteSamples: 6 });
    expect(Object.keys(report.calibration.routeThresholds ?? {})).toEqual(['a']);
  });

  it('rejects held-out labels that are not routes, and sets without in-scope examples', async () => {
    const scorer = new TableScorer({ x: [1, 0] });
    await expect(calibrate(scorer, [{ text: 'x', label: 'zzz' }])).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'DATA_INVALID'));
    await expect(calibrate(scorer, [{ text: 'x', label: null }])).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'DATA_INVALID'));
  });
});

describe('holdOutExamples and fitCalibrated', () => {
  const routes = [
    { name: 'weather', examples: ['rain tomorrow?', 'sunny today?', 'forecast for paris', 'how cold is it', 'will it snow'] },
    { name: 'billing', examples: ['refund please', 'card charged twice', 'update billing address', 'cancel my plan', 'invoice for march'] },
    { name: 'one', examples: ['only example'] },
  ];

  it('holds out 20% per route (at least one, never all) deterministically', () => {
    const split = holdOutExamples(routes, 0.2, 5);
    expect(split.heldOut.filter((e) => e.label === 'weather')).toHaveLength(1);
    expect(split.train.find((r) => r.name === 'one')?.examples).toEqual(['only example']);
    expect(holdOutExamples(routes, 0.2, 5)).toEqual(split);
    const all = new Set([...split.train.flatMap((r) => r.examples), ...split.heldOut.map((e) => e.text)]);
    expect(all.size).toBe(11);
  });

  it('fits on the rest, calibrates, and refits a router that routes and rejects', async () => {
    const { router, report } = await fitCalibrated(() => new LinearRouter(), routes.slice(0, 2), {
      outOfScope: ['who won the football game', 'tell me a joke', 'best pizza in town'],
    });
    expect(router.calibration).toEqual(report.calibration);
    expect(router.route('will it rain in paris tomorrow').route).toBe('weather');
    expect(router.route('refund my card').route).toBe('billing');
    // Tiny data: check the refitted router still rejects the out-of-scope texts it was calibrated on.
    expect(router.route('who won the football game').route).toBeNull();
    expect(router.route('tell me a joke').route).toBeNull();
  });
});
