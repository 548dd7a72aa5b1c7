import { describe, expect, it } from 'vitest';
import { AdamW, AdamWOptionsSchema } from './adamw.ts';
import { clipByGlobalNorm } from './clip-gradients.ts';
import { learningRateAt, LrScheduleSchema } from './lr-schedule.ts';

describe('AdamW', () => {
  it('matches torch.optim.AdamW for two steps by hand', () => {
    const adam = new AdamW(AdamWOptionsSchema.parse({ weightDecay: 0.1 }));
    const p = new Float32Array([1, -2]);
    adam.update('w', p, new Float32Array([0.5, -1]), 0.01, true);
    // step 1: m̂ = g, v̂ = g², update = lr · sign(g) (ε negligible), after decay p·(1 - lr·wd)
    expect(p[0]).toBeCloseTo(1 * (1 - 0.001) - 0.01, 6);
    expect(p[1]).toBeCloseTo(-2 * (1 - 0.001) + 0.01, 6);
    const before = p[0] as number;
    adam.update('w', p, new Float32Array([0.5, -1]), 0.01, true);
    expect(p[0]).toBeCloseTo(before * (1 - 0.001) - 0.01, 6);
    expect(adam.states.get('w')?.steps).toBe(2);
  });

  it('does not decay parameters marked as not decayed', () => {
    const adam = new AdamW(AdamWOptionsSchema.parse({ weightDecay: 0.5 }));
    const p = new Float32Array([1]);
    adam.update('norm', p, new Float32Array([0]), 0.1, false);
    expect(p[0]).toBe(1);
  });
});

describe('learningRateAt', () => {
  const schedule = LrScheduleSchema.parse({ learningRate: 1, warmupSteps: 4, minLrRatio: 0.1 });
  it('warms up linearly, peaks, and decays by cosine to the floor', () => {
    expect(learningRateAt(schedule, 0, 14)).toBeCloseTo(0.25);
    expect(learningRateAt(schedule, 3, 14)).toBeCloseTo(1);
    expect(learningRateAt(schedule, 4, 14)).toBeCloseTo(1);
    expect(learningRateAt(schedule, 9, 14)).toBeCloseTo(0.55);
    expect(learningRateAt(schedule, 14, 14)).toBeCloseTo(0.1);
    expect(learningRateAt(schedule, 50, 14)).toBeCloseTo(0.1);
  });
});

describe('clipByGlobalNorm', () => {
  it('scales all gradients together down to the max norm and leaves small ones alone', () => {
    const grads = [new Float32Array([3]), new Float32Array([4])];
    expect(clipByGlobalNorm(grads, 1)).toBeCloseTo(5);
    expect(grads[0]?.[0]).toBeCloseTo(0.6);
    expect(grads[1]?.[0]).toBeCloseTo(0.8);
    const small = [new Float32Array([0.1])];
    clipByGlobalNorm(small, 1);
    expect(small[0]?.[0]).toBeCloseTo(0.1);
  });
});
