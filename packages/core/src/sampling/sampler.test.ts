import { describe, expect, it } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import { argmax } from './argmax.ts';
import { referenceDistribution } from './reference-distribution.ts';
import { createSampler } from './sampler.ts';
import type { SamplingOptionsInput } from './sampling-options.ts';
import { Xoshiro128StarStar } from './xoshiro128.ts';

function randomLogits(size: number, seed: number, spread = 4): Float32Array {
  const random = Xoshiro128StarStar.fromSeed(seed);
  return Float32Array.from({ length: size }, () => (random.nextFloat() - 0.5) * spread);
}

function draws(options: SamplingOptionsInput, logits: Float32Array, count: number, context: number[] = []): number[] {
  const sampler = createSampler(options);
  return Array.from({ length: count }, () => sampler.sample(logits, context));
}

function frequencies(tokens: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return new Map([...counts].map(([t, c]) => [t, c / tokens.length]));
}

function expectCode(run: () => unknown, code: 'INVALID_ARGUMENT'): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isPlugboardError(caught, code)).toBe(true);
}

describe('createSampler: greedy', () => {
  it('returns the argmax at temperature 0, ties going to the lowest id', () => {
    for (let seed = 0; seed < 20; seed += 1) {
      const logits = randomLogits(1000, seed);
      const best = Array.from(logits).indexOf(Math.max(...logits));
      expect(createSampler({ temperature: 0 }).sample(logits, [])).toBe(best);
    }
    expect(createSampler({ temperature: 0 }).sample(Float32Array.from([1, 7, 3, 7]), [])).toBe(1);
  });

  it('top-k = 1 is greedy at any temperature', () => {
    const tied = Float32Array.from([0.5, 2, -1, 2, 1.9]);
    for (const temperature of [0.05, 0.7, 1, 5, 100]) {
      for (let seed = 0; seed < 10; seed += 1) {
        const logits = randomLogits(500, seed);
        expect(createSampler({ temperature, topK: 1, seed }).sample(logits, [])).toBe(argmax(logits));
      }
      expect(draws({ temperature, topK: 1, seed: 3 }, tied, 50)).toEqual(new Array(50).fill(1));
    }
  });
});

describe('createSampler: randomness', () => {
  const logits = randomLogits(64, 5, 2);

  it('repeats the same tokens for the same seed and differs for another seed', () => {
    const first = draws({ temperature: 1, seed: 1234 }, logits, 100);
    expect(draws({ temperature: 1, seed: 1234 }, logits, 100)).toEqual(first);
    expect(draws({ temperature: 1, seed: 1235 }, logits, 100)).not.toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(10);
  });

  const settings: SamplingOptionsInput[] = [
    { temperature: 1 },
    { temperature: 0.5 },
    { temperature: 2 },
    { temperature: 1, topK: 3 },
    { temperature: 1, topP: 0.8 },
    { temperature: 1, minP: 0.2 },
    { temperature: 0.8, topK: 5, topP: 0.9, minP: 0.1 },
  ];

  it.each(settings)('draws with the softmax probabilities of the surviving tokens: %j', (options) => {
    const row = Float32Array.from([1.2, 0.3, -0.5, 2.0, 0.9, -2.0, 1.6, 0.0]);
    const parsed = { temperature: 0.7, topK: 0, topP: 1, minP: 0, ...options };
    const expected = referenceDistribution(row, parsed);
    const observed = frequencies(draws({ ...options, seed: 2024 }, row, 100_000));
    // Every drawn token survives the filters…
    for (const token of observed.keys()) expect(expected.has(token)).toBe(true);
    // …and with 100k draws each frequency is within ~6 standard deviations of its probability.
    for (const [token, probability] of expected) {
      expect(Math.abs((observed.get(token) ?? 0) - probability), `token ${token}`).toBeLessThan(0.01);
    }
  });

  it('top-k never returns a token outside the k highest', () => {
    const row = randomLogits(5000, 11, 1);
    const topTen = new Set(
      Array.from(row, (logit, id) => ({ logit, id }))
        .sort((a, b) => b.logit - a.logit)
        .slice(0, 10)
        .map((e) => e.id),
    );
    const seen = new Set(draws({ temperature: 3, topK: 10, seed: 8 }, row, 2000));
    for (const token of seen) expect(topTen.has(token)).toBe(true);
    expect(seen.size).toBe(10);
  });
});

describe('createSampler: repetition penalty', () => {
  it('divides positive logits of seen tokens, changing the argmax', () => {
    const logits = Float32Array.from([2.0, 1.9, -3, -3]);
    expect(createSampler({ temperature: 0 }).sample(logits, [0, 2])).toBe(0);
    // 2.0 / 1.2 ≈ 1.67 < 1.9
    expect(createSampler({ temperature: 0, repetitionPenalty: 1.2 }).sample(logits, [0, 2])).toBe(1);
  });

  it('multiplies negative logits of seen tokens', () => {
    const logits = Float32Array.from([-1.0, -1.1, -5]);
    // −1.0 · 1.2 = −1.2 < −1.1
    expect(createSampler({ temperature: 0, repetitionPenalty: 1.2 }).sample(logits, [0])).toBe(1);
    // a penalty below 1 rewards repetition instead
    expect(createSampler({ temperature: 0, repetitionPenalty: 0.5 }).sample(Float32Array.from([-1.1, -1.0]), [0])).toBe(0);
  });

  it('penalizes a token once however often it appears', () => {
    // once: 2.0 / 1.2 ≈ 1.67 > 1.5; three times would give 2.0 / 1.728 ≈ 1.16 < 1.5
    const logits = Float32Array.from([2.0, 1.5]);
    expect(createSampler({ temperature: 0, repetitionPenalty: 1.2 }).sample(logits, [0, 0, 0])).toBe(0);
  });

  it('only looks at the last repetitionWindow tokens', () => {
    const logits = Float32Array.from([2.0, 1.9, 0, 0, 0]);
    const context = [0, 2, 3, 4];
    expect(createSampler({ temperature: 0, repetitionPenalty: 1.2 }).sample(logits, context)).toBe(1);
    expect(createSampler({ temperature: 0, repetitionPenalty: 1.2, repetitionWindow: 3 }).sample(logits, context)).toBe(0);
    expect(createSampler({ temperature: 0, repetitionPenalty: 1.2, repetitionWindow: 4 }).sample(logits, context)).toBe(1);
  });

  it('applies before filtering: a penalized token can fall out of top-k', () => {
    const logits = Float32Array.from([3.0, 2.0, 1.0, -4]);
    const seen = new Set(draws({ temperature: 1, topK: 2, repetitionPenalty: 4, seed: 5 }, logits, 500, [0]));
    expect(seen).toEqual(new Set([1, 2]));
  });

  it('leaves the caller’s logits unchanged, also when the context is invalid', () => {
    const logits = Float32Array.from([2.0, -1.0, 0.5, 0.25]);
    const copy = Float32Array.from(logits);
    createSampler({ temperature: 1, repetitionPenalty: 1.3, seed: 1 }).sample(logits, [0, 1, 2]);
    expect(logits).toEqual(copy);
    expectCode(() => createSampler({ temperature: 0, repetitionPenalty: 1.3 }).sample(logits, [0, 1, 4]), 'INVALID_ARGUMENT');
    expect(logits).toEqual(copy);
  });

  it('rejects context ids that are not token ids', () => {
    const sampler = createSampler({ temperature: 0, repetitionPenalty: 1.1 });
    const logits = Float32Array.from([1, 2, 3]);
    expectCode(() => sampler.sample(logits, [-1]), 'INVALID_ARGUMENT');
    expectCode(() => sampler.sample(logits, [3]), 'INVALID_ARGUMENT');
    expectCode(() => sampler.sample(logits, [0.5]), 'INVALID_ARGUMENT');
  });
});

describe('createSampler: bad input', () => {
  it('rejects invalid options with INVALID_ARGUMENT', () => {
    expectCode(() => createSampler({ temperature: -1 }), 'INVALID_ARGUMENT');
    expectCode(() => createSampler({ topP: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => createSampler({ topP: 1.2 }), 'INVALID_ARGUMENT');
    expectCode(() => createSampler({ topK: -2 }), 'INVALID_ARGUMENT');
    expectCode(() => createSampler({ repetitionPenalty: -1 }), 'INVALID_ARGUMENT');
  });

  it('rejects an empty logits row', () => {
    expectCode(() => createSampler({ temperature: 0 }).sample(new Float32Array(0), []), 'INVALID_ARGUMENT');
  });
});

describe('createSampler: numeric errors and undecodable ids', () => {
  const numericError = (run: () => unknown) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(isPlugboardError(caught, 'NUMERIC_ERROR')).toBe(true);
  };

  it('raises NUMERIC_ERROR on NaN, +Infinity or an all -Infinity row, greedy and sampled', () => {
    for (const temperature of [0, 1]) {
      const sampler = createSampler({ temperature, seed: 1 });
      const withNaN = randomLogits(100, 1);
      withNaN[37] = Number.NaN;
      numericError(() => sampler.sample(withNaN, []));
      numericError(() => sampler.sample(new Float32Array(100).fill(Number.NaN), []));
      numericError(() => sampler.sample(new Float32Array(100).fill(-Infinity), []));
      const withInf = randomLogits(100, 2);
      withInf[5] = Infinity;
      numericError(() => sampler.sample(withInf, []));
      // a row with some -Infinity (masked) entries is fine
      const partly = randomLogits(100, 3);
      partly.fill(-Infinity, 0, 50);
      expect(sampler.sample(partly, [])).toBeGreaterThanOrEqual(50);
    }
  });

  it('never picks ids past the tokenizer or missing from it, even when they hold the largest logits', () => {
    const logits = randomLogits(120, 4);
    logits.fill(50, 100); // padding past a 100-token tokenizer wins every argmax
    logits[7] = 40; // a hole the tokenizer lacks
    const vocab = { size: 100, holes: Int32Array.from([7]) };
    for (const temperature of [0, 1, 5]) {
      const sampler = createSampler({ temperature, seed: 2 }, vocab);
      for (let i = 0; i < 200; i += 1) {
        const id = sampler.sample(logits, []);
        expect(id < 100 && id !== 7).toBe(true);
      }
    }
    expect(logits[7]).toBe(40); // the caller's row is unchanged
    // without the vocabulary the padded ids win, so the guard is what excludes them
    expect(createSampler({ temperature: 0 }).sample(logits, [])).toBe(100);
  });

  it('samples only the ids a token mask allows, plus its end ids', () => {
    const logits = randomLogits(300, 5);
    const mask = { ids: Int32Array.from([3, 150, 299]), endIds: [42] };
    const seen = new Set<number>();
    const sampler = createSampler({ temperature: 1, seed: 3 });
    for (let i = 0; i < 400; i += 1) seen.add(sampler.sample(logits, [], mask));
    expect([...seen].sort((a, b) => a - b)).toEqual([3, 42, 150, 299]);
    const best = [3, 42, 150, 299].reduce((a, b) => (logits[b] > logits[a] ? b : a));
    expect(createSampler({ temperature: 0 }).sample(logits, [], mask)).toBe(best);
  });
});
