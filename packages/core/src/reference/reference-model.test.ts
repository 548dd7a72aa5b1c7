import { describe, expect, it } from 'vitest';
import { GLOBAL_WEIGHT_NAMES, layerWeightNames } from '../hf/config.ts';
import type { ModelConfig } from '../hf/config.ts';
import { InMemoryWeights } from './in-memory-weights.ts';
import { emptyReferenceCache } from './kv-cache.ts';
import { maxAbsDiff } from './max-abs-diff.ts';
import { randomModelWeights, tinyModelConfig } from './random-model.ts';
import { ReferenceModel } from './reference-model.ts';
import { expectPlugboardError } from '../testing/test-helpers.ts';

const TOKENS = [3, 17, 5, 29, 0, 11, 8];

const ARCHITECTURES: [string, Partial<ModelConfig>][] = [
  ['llama', {}],
  ['qwen2 (q/k/v bias)', { architecture: 'qwen2', attentionBias: true }],
  ['qwen3 (q/k norm)', { architecture: 'qwen3', qkNorm: true }],
  ['mistral (window 3)', { architecture: 'mistral', slidingWindow: 3 }],
];

function model(overrides: Partial<ModelConfig> = {}, seed = 7): ReferenceModel {
  const config = tinyModelConfig(overrides);
  return new ReferenceModel(config, randomModelWeights(config, seed));
}

function row(values: Float32Array, index: number, width: number): Float32Array {
  return values.subarray(index * width, (index + 1) * width);
}


describe('ReferenceModel: cache', () => {
  it.each(ARCHITECTURES)('%s: prefill equals token-by-token decode with the cache', (_, overrides) => {
    const m = model(overrides);
    const vocab = m.config.vocabSize;
    const prefill = m.forward({ inputIds: [TOKENS] });
    let cache = emptyReferenceCache(m.config, 1);
    TOKENS.forEach((token, t) => {
      const step = m.forward({ inputIds: [[token]], cache });
      expect(maxAbsDiff(step.logits[0], row(prefill.logits[0], t, vocab))).toBeLessThanOrEqual(1e-5);
      cache = step.cache;
    });
    expect(cache.rows[0].length).toBe(TOKENS.length);
    for (let layer = 0; layer < m.config.numLayers; layer++) {
      expect(maxAbsDiff(cache.rows[0].layers[layer].keys, prefill.cache.rows[0].layers[layer].keys)).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(cache.rows[0].layers[layer].values, prefill.cache.rows[0].layers[layer].values)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('prefill in two chunks equals one prefill, and leaves the input cache untouched', () => {
    const m = model({ slidingWindow: 4 });
    const whole = m.forward({ inputIds: [TOKENS] });
    const first = m.forward({ inputIds: [TOKENS.slice(0, 3)] });
    const keysBefore = Float32Array.from(first.cache.rows[0].layers[0].keys);
    const second = m.forward({ inputIds: [TOKENS.slice(3)], cache: first.cache });
    const vocab = m.config.vocabSize;
    expect(maxAbsDiff(second.logits[0], whole.logits[0].subarray(3 * vocab))).toBeLessThanOrEqual(1e-5);
    expect(first.cache.rows[0].length).toBe(3);
    expect(first.cache.rows[0].layers[0].keys).toEqual(keysBefore);
  });
});

describe('ReferenceModel: batches', () => {
  it('a batch of rows of different lengths equals each row alone, also when decoding', () => {
    const m = model({ architecture: 'qwen2', attentionBias: true });
    const rows = [TOKENS, [9, 4, 1]];
    const batch = m.forward({ inputIds: rows });
    const alone = rows.map((ids) => m.forward({ inputIds: [ids] }));
    rows.forEach((_, b) => expect(maxAbsDiff(batch.logits[b], alone[b].logits[0])).toBe(0));
    const next = m.forward({ inputIds: [[6], [12, 13]], cache: batch.cache });
    const nextAlone = [
      m.forward({ inputIds: [[6]], cache: alone[0].cache }),
      m.forward({ inputIds: [[12, 13]], cache: alone[1].cache }),
    ];
    [0, 1].forEach((b) => expect(maxAbsDiff(next.logits[b], nextAlone[b].logits[0])).toBe(0));
    expect(next.cache.rows.map((r) => r.length)).toEqual([8, 5]);
  });
});

describe('ReferenceModel: positions and rotary', () => {
  it('default positions continue from the cache; explicit ones are used', () => {
    const m = model();
    const implicit = m.forward({ inputIds: [TOKENS] });
    const explicit = m.forward({ inputIds: [TOKENS], positionIds: [TOKENS.map((_, t) => t)] });
    expect(maxAbsDiff(implicit.logits[0], explicit.logits[0])).toBe(0);
    const scrambled = m.forward({ inputIds: [TOKENS], positionIds: [[0, 1, 2, 3, 9, 20, 21]] });
    expect(maxAbsDiff(implicit.logits[0], scrambled.logits[0])).toBeGreaterThan(1e-3);
  });

  it('shifting every position by a constant keeps the logits (rotary is relative)', () => {
    const m = model();
    const base = m.forward({ inputIds: [TOKENS] });
    const shifted = m.forward({ inputIds: [TOKENS], positionIds: [TOKENS.map((_, t) => t + 40)] });
    expect(maxAbsDiff(base.logits[0], shifted.logits[0])).toBeLessThanOrEqual(1e-4);
  });
});

describe('ReferenceModel: attention variants', () => {
  it('GQA equals MHA whose k/v heads repeat each kv head for its query group', () => {
    const gqaConfig = tinyModelConfig({ numHeads: 4, numKvHeads: 2 });
    const gqaWeights = randomModelWeights(gqaConfig, 11);
    const mhaConfig = { ...gqaConfig, numKvHeads: 4 };
    const mhaWeights = InMemoryWeights.copyOf(gqaWeights);
    const { headDim, hiddenSize } = gqaConfig;
    for (let layer = 0; layer < gqaConfig.numLayers; layer++) {
      for (const name of [layerWeightNames(layer).k, layerWeightNames(layer).v]) {
        const source = gqaWeights.float32(name);
        const repeated = new Float32Array(4 * headDim * hiddenSize);
        for (let h = 0; h < 4; h++) {
          const kvHead = Math.floor(h / 2);
          repeated.set(source.subarray(kvHead * headDim * hiddenSize, (kvHead + 1) * headDim * hiddenSize), h * headDim * hiddenSize);
        }
        mhaWeights.set(name, [4 * headDim, hiddenSize], repeated);
      }
    }
    const gqa = new ReferenceModel(gqaConfig, gqaWeights).forward({ inputIds: [TOKENS] });
    const mha = new ReferenceModel(mhaConfig, mhaWeights).forward({ inputIds: [TOKENS] });
    expect(maxAbsDiff(gqa.logits[0], mha.logits[0])).toBeLessThanOrEqual(1e-6);
  });

  it('a sliding window at least as long as the sequence equals full attention; a shorter one does not', () => {
    const full = model().forward({ inputIds: [TOKENS] });
    const wide = model({ architecture: 'mistral', slidingWindow: TOKENS.length }).forward({ inputIds: [TOKENS] });
    const narrow = model({ architecture: 'mistral', slidingWindow: 2 }).forward({ inputIds: [TOKENS] });
    expect(maxAbsDiff(full.logits[0], wide.logits[0])).toBe(0);
    expect(maxAbsDiff(full.logits[0], narrow.logits[0])).toBeGreaterThan(1e-3);
  });

  it('with one layer and window w, the last token sees exactly the last w tokens', () => {
    const m = model({ architecture: 'mistral', numLayers: 1, slidingWindow: 3 });
    const vocab = m.config.vocabSize;
    const full = m.forward({ inputIds: [TOKENS] });
    const last = TOKENS.length - 1;
    const tail = m.forward({ inputIds: [TOKENS.slice(-3)], positionIds: [[last - 2, last - 1, last]] });
    expect(maxAbsDiff(row(full.logits[0], last, vocab), row(tail.logits[0], 2, vocab))).toBeLessThanOrEqual(1e-6);
    const tooShort = m.forward({ inputIds: [TOKENS.slice(-2)], positionIds: [[last - 1, last]] });
    expect(maxAbsDiff(row(full.logits[0], last, vocab), row(tooShort.logits[0], 1, vocab))).toBeGreaterThan(1e-4);
  });

  it('qwen2 q/k/v biases change the logits', () => {
    const config = tinyModelConfig({ architecture: 'qwen2', attentionBias: true });
    const weights = randomModelWeights(config, 5);
    const zeroBias = InMemoryWeights.copyOf(weights);
    for (let layer = 0; layer < config.numLayers; layer++) {
      const n = layerWeightNames(layer);
      for (const name of [n.qBias, n.kBias, n.vBias]) {
        zeroBias.set(name, weights.info(name).shape, new Float32Array(weights.info(name).shape[0]));
      }
    }
    const withBias = new ReferenceModel(config, weights).forward({ inputIds: [TOKENS] });
    const withZeroBias = new ReferenceModel(config, zeroBias).forward({ inputIds: [TOKENS] });
    const noBias = new ReferenceModel({ ...config, attentionBias: false }, weights).forward({ inputIds: [TOKENS] });
    expect(maxAbsDiff(withBias.logits[0], noBias.logits[0])).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(withZeroBias.logits[0], noBias.logits[0])).toBe(0);
  });

  it('qwen3 q/k norm changes the logits and makes them blind to the scale of q_proj and k_proj', () => {
    const config = tinyModelConfig({ architecture: 'qwen3', qkNorm: true, rmsNormEps: 1e-10 });
    const weights = randomModelWeights(config, 6);
    const scaled = InMemoryWeights.copyOf(weights);
    for (let layer = 0; layer < config.numLayers; layer++) {
      const n = layerWeightNames(layer);
      scaled.set(n.q, weights.info(n.q).shape, weights.float32(n.q).map((x) => x * 3));
      scaled.set(n.k, weights.info(n.k).shape, weights.float32(n.k).map((x) => x * 0.25));
    }
    const normed = new ReferenceModel(config, weights).forward({ inputIds: [TOKENS] });
    const normedScaled = new ReferenceModel(config, scaled).forward({ inputIds: [TOKENS] });
    const plain = new ReferenceModel({ ...config, qkNorm: false }, weights).forward({ inputIds: [TOKENS] });
    const plainScaled = new ReferenceModel({ ...config, qkNorm: false }, scaled).forward({ inputIds: [TOKENS] });
    expect(maxAbsDiff(normed.logits[0], normedScaled.logits[0])).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(normed.logits[0], plain.logits[0])).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(plain.logits[0], plainScaled.logits[0])).toBeGreaterThan(1e-3);
  });
});

describe('ReferenceModel: qwen3 q/k norm by hand', () => {
  it('the cached key of one head is rotary(k_norm(W_k x)) computed by hand, norm before rotary', () => {
    const config = tinyModelConfig({ architecture: 'qwen3', qkNorm: true, numLayers: 1 });
    const weights = randomModelWeights(config, 12);
    const { hiddenSize: d, headDim, numKvHeads, rmsNormEps: eps, ropeTheta } = config;
    const token = 19;
    const position = 3;
    const cache = new ReferenceModel(config, weights).forward({ inputIds: [[token]], positionIds: [[position]] }).cache;
    const embedding = weights.float32(GLOBAL_WEIGHT_NAMES.embedTokens).subarray(token * d, (token + 1) * d);
    const n = layerWeightNames(0);
    const inputNorm = weights.float32(n.inputNorm);
    const embRms = Math.sqrt(embedding.reduce((s, v) => s + v * v, 0) / d + eps);
    const x = [...embedding].map((v, i) => (v / embRms) * inputNorm[i]);
    const head = 1;
    const wk = weights.float32(n.k);
    const k = Array.from({ length: headDim }, (_, j) => x.reduce((s, v, i) => s + v * wk[(head * headDim + j) * d + i], 0));
    const kNorm = weights.float32(n.kNorm);
    const kRms = Math.sqrt(k.reduce((s, v) => s + v * v, 0) / headDim + eps);
    const normed = k.map((v, j) => (v / kRms) * kNorm[j]);
    const half = headDim / 2;
    const expected = normed.map((v, j) => {
      const pair = j < half ? j : j - half;
      const angle = position / ropeTheta ** ((2 * pair) / headDim);
      return j < half
        ? v * Math.cos(angle) - normed[j + half] * Math.sin(angle)
        : v * Math.cos(angle) + normed[j - half] * Math.sin(angle);
    });
    const cached = cache.rows[0].layers[0].keys.subarray(head * headDim, (head + 1) * headDim);
    expect(numKvHeads).toBeGreaterThan(head);
    expect(maxAbsDiff(cached, expected)).toBeLessThanOrEqual(1e-5);
  });
});

/** The whole model for one token at position 0, in naive nested-array code (attention = the value vector). */
function handForwardOneToken(config: ModelConfig, weights: InMemoryWeights, token: number): number[] {
  const { hiddenSize: d, headDim, numHeads, numKvHeads, rmsNormEps: eps } = config;
  const matrix = (name: string): number[][] => {
    const [rows, cols] = weights.info(name).shape;
    const data = weights.float32(name);
    return Array.from({ length: rows }, (_, r) => [...data.subarray(r * cols, (r + 1) * cols)]);
  };
  const apply = (w: number[][], x: number[]): number[] => w.map((r) => r.reduce((s, v, i) => s + v * x[i], 0));
  const norm = (x: number[], name: string): number[] => {
    const w = weights.float32(name);
    const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length + eps);
    return x.map((v, i) => (v / rms) * w[i]);
  };
  let h = matrix(GLOBAL_WEIGHT_NAMES.embedTokens)[token];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const n = layerWeightNames(layer);
    const v = apply(matrix(n.v), norm(h, n.inputNorm));
    const attended: number[] = [];
    for (let head = 0; head < numHeads; head++) {
      const kvHead = Math.floor(head / (numHeads / numKvHeads));
      attended.push(...v.slice(kvHead * headDim, (kvHead + 1) * headDim));
    }
    h = apply(matrix(n.o), attended).map((o, i) => o + h[i]);
    const x = norm(h, n.postAttentionNorm);
    const gate = apply(matrix(n.gate), x);
    const up = apply(matrix(n.up), x);
    const gated = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]);
    h = apply(matrix(n.down), gated).map((o, i) => o + h[i]);
  }
  expect(h.length).toBe(d);
  return apply(matrix(GLOBAL_WEIGHT_NAMES.lmHead), norm(h, GLOBAL_WEIGHT_NAMES.finalNorm));
}

describe('ReferenceModel: outputs', () => {
  it('one token matches a naive hand-written forward', () => {
    const config = tinyModelConfig();
    const weights = randomModelWeights(config, 21);
    const logits = new ReferenceModel(config, weights).forward({ inputIds: [[13]] }).logits[0];
    expect(maxAbsDiff(logits, handForwardOneToken(config, weights, 13))).toBeLessThanOrEqual(1e-5);
  });

  it('hidden states are the final-norm output the lm head reads', () => {
    const m = model();
    const weights = randomModelWeights(m.config, 7);
    const { logits, hiddenStates } = m.forward({ inputIds: [TOKENS] });
    const { vocabSize: vocab, hiddenSize: d } = m.config;
    const lmHead = weights.float32(GLOBAL_WEIGHT_NAMES.lmHead);
    expect(hiddenStates[0].length).toBe(TOKENS.length * d);
    const t = 4;
    const fromHidden = Array.from({ length: vocab }, (_, v) =>
      row(hiddenStates[0], t, d).reduce((s, x, i) => s + x * lmHead[v * d + i], 0),
    );
    expect(maxAbsDiff(row(logits[0], t, vocab), fromHidden)).toBeLessThanOrEqual(1e-5);
  });

  it('tied embeddings use embed_tokens as the lm head', () => {
    const config = tinyModelConfig({ tieWordEmbeddings: true });
    const weights = randomModelWeights(config, 8);
    const untied = InMemoryWeights.copyOf(weights).set(
      GLOBAL_WEIGHT_NAMES.lmHead,
      weights.info(GLOBAL_WEIGHT_NAMES.embedTokens).shape,
      weights.float32(GLOBAL_WEIGHT_NAMES.embedTokens),
    );
    expect(weights.has(GLOBAL_WEIGHT_NAMES.lmHead)).toBe(false);
    const tied = new ReferenceModel(config, weights).forward({ inputIds: [TOKENS] });
    const separate = new ReferenceModel({ ...config, tieWordEmbeddings: false }, untied).forward({ inputIds: [TOKENS] });
    expect(maxAbsDiff(tied.logits[0], separate.logits[0])).toBe(0);
  });
});

describe('ReferenceModel: every weight is used', () => {
  it.each(ARCHITECTURES)('%s: perturbing any one weight changes the logits', (_, overrides) => {
    const config = tinyModelConfig(overrides);
    const weights = randomModelWeights(config, 13);
    const baseline = new ReferenceModel(config, weights).forward({ inputIds: [TOKENS] }).logits[0];
    const unused = weights.names().filter((name) => {
      const data = weights.float32(name).map((x, i) => x + 0.05 * Math.sin(i + 1));
      const perturbed = InMemoryWeights.copyOf(weights).set(name, weights.info(name).shape, data);
      const logits = new ReferenceModel(config, perturbed).forward({ inputIds: [TOKENS] }).logits[0];
      return maxAbsDiff(baseline, logits) < 1e-5;
    });
    expect(unused).toEqual([]);
  });
});

describe('ReferenceModel: bad input', () => {
  it('rejects missing and misshapen weights', () => {
    const config = tinyModelConfig();
    const weights = randomModelWeights(config, 1);
    const missing = new InMemoryWeights(
      weights
        .names()
        .filter((n) => n !== layerWeightNames(1).up)
        .map((n) => [n, { shape: weights.info(n).shape, data: weights.float32(n) }]),
    );
    expectPlugboardError(() => new ReferenceModel(config, missing), 'WEIGHT_MISSING');
    const misshapen = InMemoryWeights.copyOf(weights).set(GLOBAL_WEIGHT_NAMES.finalNorm, [8], new Float32Array(8));
    expectPlugboardError(() => new ReferenceModel(config, misshapen), 'WEIGHT_SHAPE_MISMATCH');
  });

  it('rejects bad token ids, positions and caches', () => {
    const m = model();
    expectPlugboardError(() => m.forward({ inputIds: [] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => m.forward({ inputIds: [[1, 32]] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => m.forward({ inputIds: [[1, -1]] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => m.forward({ inputIds: [[1, 2]], positionIds: [[0]] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => m.forward({ inputIds: [[1, 2]], positionIds: [[0, 0.5]] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => m.forward({ inputIds: [[1], [2]], positionIds: [[0]] }), 'INVALID_ARGUMENT');
    expectPlugboardError(() => m.forward({ inputIds: [[1], [2]], cache: emptyReferenceCache(m.config, 1) }), 'INVALID_ARGUMENT');
    const otherDepth = emptyReferenceCache({ ...m.config, numLayers: 3 }, 1);
    expectPlugboardError(() => m.forward({ inputIds: [[1]], cache: otherDepth }), 'INVALID_ARGUMENT');
  });
});
