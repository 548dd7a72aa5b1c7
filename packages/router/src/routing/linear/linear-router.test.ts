import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '@plugboard/core';
import { generateMultiDomainDataset } from '../../datasets/multi-domain/generate-multi-domain.ts';
import { fitCalibrated } from '../calibration/fit-calibrated.ts';
import type { LabeledText } from '../route.ts';
import { LinearRouter } from './linear-router.ts';

function argmaxRoute(scores: Record<string, number>): string | undefined {
  return Object.entries(scores).sort((a, b) => b[1] - a[1])[0]?.[0];
}

describe('LinearRouter on the generated multi-domain set', () => {
  // The test split holds out whole templates and slot values (see generateMultiDomainDataset). On
  // it a lexical router gets about half right (seeds 1–3: top-1 0.47–0.60; chance 0.1), and the
  // balanced threshold, fitted on examples from the training templates, rejects most new phrasings.
  // These bounds record that honestly; the ≥95% of the old test came from shared templates.
  const top1Of = (router: LinearRouter, test: readonly LabeledText[]) => {
    const inScope = test.filter((e) => e.label !== null);
    return inScope.filter((e) => argmaxRoute(router.route(e.text).scores) === e.label).length / inScope.length;
  };

  it('the squared-hinge SVM over word + char 2–4-grams beats the previous softmax regression (char 3–5) on held-out templates', async () => {
    const previous = { features: { charMin: 3, charMax: 5, charShare: 0.5 }, training: { loss: 'softmax' as const } };
    let svm = 0;
    let softmax = 0;
    for (const seed of [1, 2, 3]) {
      const dataset = generateMultiDomainDataset({ seed });
      const current = new LinearRouter();
      const old = new LinearRouter(previous);
      await current.fit(dataset.routes);
      await old.fit(dataset.routes);
      svm += top1Of(current, dataset.test) / 3;
      softmax += top1Of(old, dataset.test) / 3;
    }
    // measured: 0.557 vs 0.529 (seeds 1–10: 0.581 vs 0.520)
    expect(svm).toBeGreaterThan(softmax + 0.02);
  });

  it('on held-out templates: top-1 well above chance, an OOS-recall operating point that keeps half its top-1', async () => {
    const dataset = generateMultiDomainDataset({ seed: 1 });
    const fit = (target?: number) =>
      fitCalibrated(() => new LinearRouter(), dataset.routes, { outOfScope: dataset.outOfScope, objective: target === undefined ? undefined : { kind: 'oos-recall', target } });
    const score = (router: LinearRouter) => {
      let inScope = 0;
      let top1 = 0;
      let accepted = 0;
      let oos = 0;
      let rejected = 0;
      for (const example of dataset.test) {
        const decision = router.route(example.text);
        if (example.label === null) {
          oos++;
          if (decision.route === null) rejected++;
          continue;
        }
        inScope++;
        const top = Object.entries(decision.scores).sort((a, b) => b[1] - a[1])[0]?.[0];
        if (top === example.label) top1++;
        if (decision.route === example.label) accepted++;
      }
      return { inScope, oos, top1: top1 / inScope, accepted: accepted / inScope, oosRecall: rejected / oos };
    };
    const balanced = await fit();
    const atDefault = score(balanced.router);
    expect(atDefault.inScope).toBeGreaterThanOrEqual(300);
    expect(atDefault.oos).toBeGreaterThanOrEqual(150);
    expect(atDefault.top1).toBeGreaterThan(0.4);
    expect(atDefault.oosRecall).toBeGreaterThanOrEqual(0.8);
    expect(balanced.report.calibration.threshold).toBeGreaterThan(0);
    expect(balanced.report.calibration.threshold).toBeLessThan(1);

    const lenient = score((await fit(0.6)).router);
    expect(lenient.accepted).toBeGreaterThan(atDefault.accepted);
    expect(lenient.accepted).toBeGreaterThan(0.5 * lenient.top1);
    // The 0.6 target is met on the calibration texts, not on the test's new templates and unseen
    // domains, which look more in-scope: seed 1 rejects 0.415 of them (seeds 1–10: 0.51 on average).
    expect(lenient.oosRecall).toBeGreaterThanOrEqual(0.35);
  });
});

const tiny = [
  { name: 'weather', examples: ['will it rain tomorrow', 'weather forecast for paris', 'is it sunny today', 'how cold is it outside'] },
  { name: 'billing', examples: ['refund my last payment', 'why was my card charged', 'update my billing address', 'cancel my subscription'] },
];

describe('LinearRouter', () => {
  it('routes, scores every route with probabilities that sum to 1, and is deterministic', async () => {
    const a = new LinearRouter();
    const b = new LinearRouter();
    await a.fit(tiny);
    await b.fit(tiny);
    const decision = a.route('is it going to rain in paris');
    expect(decision.route).toBe('weather');
    expect(decision.strategy).toBe('linear');
    expect(decision.scores.weather + decision.scores.billing).toBeCloseTo(1, 10);
    expect(decision.confidence).toBe(decision.scores.weather);
    expect(b.route('is it going to rain in paris')).toEqual(decision);
    expect(a.route('my card was charged twice').route).toBe('billing');
  });

  it('returns a null route below the threshold', async () => {
    const router = new LinearRouter({ calibration: { temperature: 1, threshold: 0.99 } });
    await router.fit(tiny);
    const decision = router.route('tell me about medieval castles');
    expect(decision.route).toBeNull();
    expect(decision.confidence).toBeLessThan(0.99);
  });

  it('uses dense extra features when given, and checks their length', async () => {
    // A dense feature that alone separates the routes: [1, 0] for texts mentioning money.
    const dense = { dimension: 2, embed: (text: string) => (/\$|€/.test(text) ? [1, 0] : [0, 1]), weight: 2 };
    const router = new LinearRouter({ dense });
    await router.fit([
      { name: 'money', examples: ['pay $5', 'costs €3', 'send $20 now'] },
      { name: 'other', examples: ['hello there', 'nice day', 'see you soon'] },
    ]);
    expect(router.route('€9').route).toBe('money');
    const broken = new LinearRouter({ dense: { dimension: 3, embed: () => [1, 0] } });
    await expect(broken.fit(tiny)).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'INVALID_ARGUMENT'));
  });

  it('fails clearly before fit and on routes without examples', async () => {
    expect(() => new LinearRouter().route('x')).toThrow(expect.objectContaining({ code: 'ROUTER_NOT_FITTED' }));
    await expect(new LinearRouter().fit([{ name: 'empty', examples: [] }])).rejects.toSatisfy((e: unknown) => isPlugboardError(e, 'INVALID_ARGUMENT'));
  });
});
