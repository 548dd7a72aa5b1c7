/**
 * Test-only: a tiny Llama-style training graph (embedding Gather, RMSNorm,
 * rotary via Slice/Concat, causal MatMul attention, SiLU MLP, optional LoRA
 * on q/v and a bottleneck adapter, masked cross-entropy) in plain ops, with
 * every parameter a graph input so tests choose what is trainable.
 */
import { GraphBuilder, SeededRandom, attr } from '@plugboard/core';
import type { Graph } from '@plugboard/core';
import type { FloatDType, OrtTensor } from './gradient-check.ts';
import { floatConstant, floatTensor, int64Constant } from './gradient-check.ts';

export interface TinyLlamaOptions {
  dtype: FloatDType;
  layers: number;
  batch: number;
  sequence: number;
  hidden: number;
  heads: number;
  ffn: number;
  vocab: number;
  loraRank: number;
  adapterDim: number;
}

export const TINY: TinyLlamaOptions = { dtype: 'float64', layers: 1, batch: 2, sequence: 3, hidden: 4, heads: 2, ffn: 6, vocab: 7, loraRank: 2, adapterDim: 2 };

export interface TinyLlama {
  graph: Graph;
  feeds: Record<string, OrtTensor>;
  /** parameter names by role */
  base: string[];
  lora: string[];
  adapter: string[];
}

export function tinyLlama(o: TinyLlamaOptions, seed = 3): TinyLlama {
  const b = new GraphBuilder('tiny-llama');
  const random = new SeededRandom(seed);
  const feeds: Record<string, OrtTensor> = {};
  const roles = { base: [] as string[], lora: [] as string[], adapter: [] as string[] };
  const param = (role: keyof typeof roles, name: string, shape: number[], scale = 0.5, offset = 0): string => {
    roles[role].push(name);
    const count = shape.reduce((p, d) => p * d, 1);
    feeds[name] = floatTensor(o.dtype, Array.from({ length: count }, () => offset + scale * random.normal()), shape);
    return b.input(name, o.dtype, shape);
  };
  const c = (values: number[], dims: number[]): string => floatConstant(b, o.dtype, values, dims);
  const { batch: B, sequence: S, hidden: D, heads: H } = o;
  const hd = D / H;

  const rmsNorm = (x: string, weight: string): string => {
    const meanSquare = b.op1('ReduceMean', [b.op1('Mul', [x, x]), int64Constant(b, [-1])], { keepdims: attr.int(1) });
    const inverse = b.op1('Reciprocal', [b.op1('Sqrt', [b.op1('Add', [meanSquare, c([1e-5], [])])])]);
    return b.op1('Mul', [b.op1('Mul', [x, inverse]), weight]);
  };
  const linear = (x: string, w: string, lora?: { a: string; b: string }): string => {
    const y = b.op1('MatMul', [x, w]);
    if (lora === undefined) return y;
    return b.op1('Add', [y, b.op1('Mul', [b.op1('MatMul', [b.op1('MatMul', [x, lora.a]), lora.b]), c([0.5], [])])]);
  };
  // rotary: x·cos + rotate_half(x)·sin over the head dim
  const angles = Array.from({ length: S * hd }, (_, i) => Math.floor(i / hd) * 0.7 * ((i % (hd / 2)) + 1));
  const cos = c(angles.map(Math.cos), [S, hd]);
  const sin = c(angles.map(Math.sin), [S, hd]);
  const rotary = (x: string): string => {
    const half = (from: number, to: number): string => b.op1('Slice', [x, int64Constant(b, [from]), int64Constant(b, [to]), int64Constant(b, [-1])]);
    const rotated = b.op1('Concat', [b.op1('Neg', [half(hd / 2, hd)]), half(0, hd / 2)], { axis: attr.int(-1) });
    return b.op1('Add', [b.op1('Mul', [x, cos]), b.op1('Mul', [rotated, sin])]);
  };
  const toHeads = (x: string): string =>
    b.op1('Transpose', [b.op1('Reshape', [x, int64Constant(b, [B, S, H, hd])])], { perm: attr.ints([0, 2, 1, 3]) });
  // causal mask from non-differentiable ops: Trilu of ones, as bool
  const causal = b.op1('Cast', [b.op1('Trilu', [c(new Array(S * S).fill(1), [S, S])], { upper: attr.int(0) })], { to: attr.int(9) });

  const ids = b.initializer('ids', 'int64', [B, S], new Uint8Array(BigInt64Array.from([1, 4, 4, 0, 6, 2].map(BigInt)).buffer));
  let x = b.op1('Gather', [param('base', 'embed', [o.vocab, D]), ids]);
  for (let l = 0; l < o.layers; l++) {
    const w = (name: string, shape: number[]): string => param('base', `l${l}.${name}`, shape);
    const lora = (name: string, inDim: number, outDim: number): { a: string; b: string } | undefined =>
      o.loraRank === 0
        ? undefined
        : { a: param('lora', `l${l}.${name}.lora_a`, [inDim, o.loraRank]), b: param('lora', `l${l}.${name}.lora_b`, [o.loraRank, outDim]) };
    const h = rmsNorm(x, w('attn_norm', [D]));
    const q = rotary(toHeads(linear(h, w('wq', [D, D]), lora('q', D, D))));
    const k = rotary(toHeads(linear(h, w('wk', [D, D]))));
    const v = toHeads(linear(h, w('wv', [D, D]), lora('v', D, D)));
    const scores = b.op1('Mul', [b.op1('MatMul', [q, b.op1('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) })]), c([1 / Math.sqrt(hd)], [])]);
    const masked = b.op1('Where', [causal, scores, c([-1e9], [])]);
    const context = b.op1('MatMul', [b.op1('Softmax', [masked], { axis: attr.int(-1) }), v]);
    const merged = b.op1('Reshape', [b.op1('Transpose', [context], { perm: attr.ints([0, 2, 1, 3]) }), int64Constant(b, [B, S, D])]);
    x = b.op1('Add', [x, linear(merged, w('wo', [D, D]))]);
    const up = linear(rmsNorm(x, w('mlp_norm', [D])), w('w1', [D, o.ffn]));
    const silu = b.op1('Mul', [up, b.op1('Sigmoid', [up])]);
    x = b.op1('Add', [x, linear(silu, w('w2', [o.ffn, D]))]);
    if (o.adapterDim > 0) {
      const down = b.op1('Relu', [b.op1('Add', [linear(x, param('adapter', `l${l}.adapter.down`, [D, o.adapterDim])), param('adapter', `l${l}.adapter.down_bias`, [o.adapterDim], 0.5, 0.3)])]);
      x = b.op1('Add', [x, linear(down, param('adapter', `l${l}.adapter.up`, [o.adapterDim, D]))]);
    }
  }
  const logits = b.op1('Reshape', [linear(rmsNorm(x, param('base', 'final_norm', [D])), param('base', 'lm_head', [D, o.vocab])), int64Constant(b, [B * S, o.vocab])]);
  // masked mean cross-entropy over next tokens
  const targets = int64Constant(b, [4, 4, 0, 6, 2, 5].slice(0, B * S), [B * S, 1]);
  const mask = c([1, 1, 0, 1, 1, 0].slice(0, B * S), [B * S, 1]);
  const picked = b.op1('GatherElements', [b.op1('LogSoftmax', [logits], { axis: attr.int(1) }), targets], { axis: attr.int(1) });
  const total = b.op1('ReduceSum', [b.op1('Mul', [picked, mask])], { keepdims: attr.int(0) });
  const count = b.op1('ReduceSum', [mask], { keepdims: attr.int(0) });
  b.op1('Neg', [b.op1('Div', [total, count])], {}, { output: 'loss' });
  b.output('loss', o.dtype, []);
  return { graph: b.build(), feeds, ...roles };
}
