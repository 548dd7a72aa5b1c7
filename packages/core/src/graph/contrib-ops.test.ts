/**
 * The contrib ops our inference graphs use, run in onnxruntime-node's CPU
 * provider and checked against the TypeScript references. CONTRIB_OPS.md
 * records the signatures these tests pin down.
 */
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import { causalAttention } from '../reference/attention.ts';
import { maxAbsDiff } from '../reference/max-abs-diff.ts';
import { rmsNorm } from '../reference/rms-norm.ts';
import { applyRotary } from '../reference/rotary.ts';
import { GraphBuilder } from './graph-builder.ts';
import type { Graph } from './ir.ts';
import { attr } from './ir.ts';
import { CONTRIB_DOMAIN } from './onnx-format.ts';
import { createSession, runSession } from './ort-session.ts';
import type { Feeds } from './ort-test-kit.ts';
import { f32, floatOutputs, i32, i64, runGraph } from './ort-test-kit.ts';
import { serializeToBytes } from './serialize-onnx.ts';

const random = new SeededRandom(7);
const randomFloats = (n: number) => random.fillNormal(new Float32Array(n), 0, 1);
const EPS = 1e-6;

describe('SimplifiedLayerNormalization (default domain)', () => {
  it('is RMSNorm over the last axis', async () => {
    const [rows, width] = [4, 8];
    const x = randomFloats(rows * width);
    const gamma = randomFloats(width);
    const b = new GraphBuilder('sln');
    b.input('x', 'float32', [2, 2, width]);
    b.input('gamma', 'float32', [width]);
    b.op1('SimplifiedLayerNormalization', ['x', 'gamma'], { axis: attr.int(-1), epsilon: attr.float(EPS) }, { output: 'y' });
    b.output('y', 'float32', [2, 2, width]);
    const { y } = await runGraph(b.build(), { x: f32(x, [2, 2, width]), gamma: f32(gamma, [width]) });
    expect(maxAbsDiff(y, rmsNorm(x, rows, width, gamma, EPS))).toBeLessThan(1e-5);
  });
});

describe('SkipSimplifiedLayerNormalization (com.microsoft)', () => {
  it('returns RMSNorm(x + skip) and, as output 3, the residual sum x + skip', async () => {
    const [rows, width] = [3, 8];
    const x = randomFloats(rows * width);
    const skip = randomFloats(rows * width);
    const gamma = randomFloats(width);
    const b = new GraphBuilder('ssln');
    b.input('x', 'float32', [1, rows, width]);
    b.input('skip', 'float32', [1, rows, width]);
    b.input('gamma', 'float32', [width]);
    // outputs 1 (mean) and 2 (inv_std_var) are omitted with ''
    b.op('SkipSimplifiedLayerNormalization', ['x', 'skip', 'gamma'], { epsilon: attr.float(EPS) }, { domain: CONTRIB_DOMAIN, outputs: ['y', '', '', 'sum'] });
    b.output('y', 'float32', [1, rows, width]);
    b.output('sum', 'float32', [1, rows, width]);
    const out = await runGraph(b.build(), { x: f32(x, [1, rows, width]), skip: f32(skip, [1, rows, width]), gamma: f32(gamma, [width]) });
    const sum = x.map((v, i) => v + skip[i]);
    expect(maxAbsDiff(out.sum, sum)).toBeLessThan(1e-6);
    expect(maxAbsDiff(out.y, rmsNorm(sum, rows, width, gamma, EPS))).toBeLessThan(1e-5);
  });
});

const THETA = 10000;
const MAX_POSITIONS = 32;

/** cos/sin caches [MAX_POSITIONS, headDim/2], the layout RotaryEmbedding and GroupQueryAttention read. */
function rotaryCaches(headDim: number): { cos: ort.Tensor; sin: ort.Tensor } {
  const half = headDim / 2;
  const cos = new Float32Array(MAX_POSITIONS * half);
  const sin = new Float32Array(MAX_POSITIONS * half);
  for (let p = 0; p < MAX_POSITIONS; p++) {
    for (let j = 0; j < half; j++) {
      const angle = p / THETA ** ((2 * j) / headDim);
      cos[p * half + j] = Math.cos(angle);
      sin[p * half + j] = Math.sin(angle);
    }
  }
  return { cos: f32(cos, [MAX_POSITIONS, half]), sin: f32(sin, [MAX_POSITIONS, half]) };
}

describe('RotaryEmbedding (com.microsoft)', () => {
  it('rotates [B, S, heads*headDim] by explicit position_ids, rotate_half convention', async () => {
    const [heads, headDim, seq] = [2, 8, 3];
    const positions = [4, 5, 9];
    const x = randomFloats(seq * heads * headDim);
    const b = new GraphBuilder('rope');
    b.input('x', 'float32', [1, seq, heads * headDim]);
    b.input('position_ids', 'int64', [1, seq]);
    b.input('cos', 'float32', [MAX_POSITIONS, headDim / 2]);
    b.input('sin', 'float32', [MAX_POSITIONS, headDim / 2]);
    b.op('RotaryEmbedding', ['x', 'position_ids', 'cos', 'sin'], { interleaved: attr.int(0), num_heads: attr.int(heads) }, { domain: CONTRIB_DOMAIN, outputs: ['y'] });
    b.output('y', 'float32', [1, seq, heads * headDim]);
    const { y } = await runGraph(b.build(), { x: f32(x, [1, seq, heads * headDim]), position_ids: i64(positions, [1, seq]), ...rotaryCaches(headDim) });
    expect(maxAbsDiff(y, applyRotary(x, positions, heads, headDim, THETA))).toBeLessThan(1e-5);
  });
});

describe('GroupQueryAttention (com.microsoft)', () => {
  const shape = { numHeads: 4, numKvHeads: 2, headDim: 16, slidingWindow: null };
  const qWidth = shape.numHeads * shape.headDim;
  const kvWidth = shape.numKvHeads * shape.headDim;
  const batch = 2;

  /** GQA with do_rotary, cos/sin caches and position_ids (input 9); past KV is [B, kvH, P, hd]. */
  function gqaGraph(seq: number, past: number): Graph {
    const b = new GraphBuilder('gqa');
    b.input('query', 'float32', [batch, seq, qWidth]);
    b.input('key', 'float32', [batch, seq, kvWidth]);
    b.input('value', 'float32', [batch, seq, kvWidth]);
    if (past > 0) {
      b.input('past_key', 'float32', [batch, shape.numKvHeads, past, shape.headDim]);
      b.input('past_value', 'float32', [batch, shape.numKvHeads, past, shape.headDim]);
    }
    b.input('seqlens_k', 'int32', [batch]);
    b.input('total_sequence_length', 'int32', []);
    b.input('cos', 'float32', [MAX_POSITIONS, shape.headDim / 2]);
    b.input('sin', 'float32', [MAX_POSITIONS, shape.headDim / 2]);
    b.input('position_ids', 'int64', [batch, seq]);
    const pastInputs = past > 0 ? ['past_key', 'past_value'] : ['', ''];
    b.op(
      'GroupQueryAttention',
      ['query', 'key', 'value', ...pastInputs, 'seqlens_k', 'total_sequence_length', 'cos', 'sin', 'position_ids'],
      { num_heads: attr.int(shape.numHeads), kv_num_heads: attr.int(shape.numKvHeads), do_rotary: attr.int(1) },
      { domain: CONTRIB_DOMAIN, outputs: ['output', 'present_key', 'present_value'] },
    );
    b.output('output', 'float32', [batch, seq, qWidth]);
    b.output('present_key', 'float32', []);
    b.output('present_value', 'float32', []);
    return b.build();
  }

  /** Rows of token-major values (right-padded to `seq` tokens), from token `from` of each row. */
  function rows(perRow: Float32Array[], width: number, from: number[], counts: number[], seq: number): Float32Array {
    const out = new Float32Array(batch * seq * width);
    perRow.forEach((row, r) => out.set(row.subarray(from[r] * width, (from[r] + counts[r]) * width), r * seq * width));
    return out;
  }

  it('matches causal attention with rotary for a right-padded prompt, then a decode step over the present KV', async () => {
    const promptLengths = [3, 2];
    const tokens = 4;
    const q = [randomFloats(tokens * qWidth), randomFloats(tokens * qWidth)];
    const k = [randomFloats(tokens * kvWidth), randomFloats(tokens * kvWidth)];
    const v = [randomFloats(tokens * kvWidth), randomFloats(tokens * kvWidth)];
    const caches = rotaryCaches(shape.headDim);

    /** What row r's queries from..from+count see: keys 0..from+count-1, all rotated by their index. */
    const expected = (r: number, from: number, count: number) => {
      const positions = Array.from({ length: from + count }, (_, i) => i);
      const keys = applyRotary(k[r].subarray(0, (from + count) * kvWidth), positions, shape.numKvHeads, shape.headDim, THETA);
      const queries = applyRotary(q[r].subarray(from * qWidth, (from + count) * qWidth), positions.slice(from), shape.numHeads, shape.headDim, THETA);
      return causalAttention(queries, count, keys, v[r].subarray(0, (from + count) * kvWidth), from, shape);
    };

    // prompt: seqlens_k = real length - 1 per row, total_sequence_length = padded width
    const seq = 3;
    const prompt = await runGraph(gqaGraph(seq, 0), {
      query: f32(rows(q, qWidth, [0, 0], promptLengths, seq), [batch, seq, qWidth]),
      key: f32(rows(k, kvWidth, [0, 0], promptLengths, seq), [batch, seq, kvWidth]),
      value: f32(rows(v, kvWidth, [0, 0], promptLengths, seq), [batch, seq, kvWidth]),
      seqlens_k: i32([2, 1], [batch]),
      total_sequence_length: i32([seq], []),
      position_ids: i64([0, 1, 2, 0, 1, 0], [batch, seq]),
      ...caches,
    });
    for (let r = 0; r < batch; r++) {
      const got = prompt.output.subarray(r * seq * qWidth, (r * seq + promptLengths[r]) * qWidth);
      expect(maxAbsDiff(got, expected(r, 0, promptLengths[r]))).toBeLessThan(1e-5);
    }

    // decode: one token per row, written at index seqlens_k[r] of the row; present grows to P + 1
    const past = seq;
    const session = await createSession(serializeToBytes(gqaGraph(1, past)));
    const feeds: Feeds = {
      query: f32(rows(q, qWidth, promptLengths, [1, 1], 1), [batch, 1, qWidth]),
      key: f32(rows(k, kvWidth, promptLengths, [1, 1], 1), [batch, 1, kvWidth]),
      value: f32(rows(v, kvWidth, promptLengths, [1, 1], 1), [batch, 1, kvWidth]),
      past_key: f32(prompt.present_key, [batch, shape.numKvHeads, past, shape.headDim]),
      past_value: f32(prompt.present_value, [batch, shape.numKvHeads, past, shape.headDim]),
      seqlens_k: i32(promptLengths, [batch]),
      total_sequence_length: i32([past + 1], []),
      position_ids: i64(promptLengths, [batch, 1]),
      ...caches,
    };
    const result = await runSession(session, feeds);
    expect(result.present_key.dims).toEqual([batch, shape.numKvHeads, past + 1, shape.headDim]);
    const decode = floatOutputs(result);
    for (let r = 0; r < batch; r++) {
      expect(maxAbsDiff(decode.output.subarray(r * qWidth, (r + 1) * qWidth), expected(r, promptLengths[r], 1))).toBeLessThan(1e-5);
    }
  });
});
