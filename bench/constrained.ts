/**
 * pnpm bench:constrained [--model DIR] [--dtype int4|int8|fp32] [--runs 5] [--new-tokens 48] [--threads 2]
 *
 * Constrained decoding's cost on a model with Qwen2.5-0.5B's shapes and its
 * 151,936-entry vocabulary (the random-weight fixture unless --model; int4 by
 * default to keep it quick). Free and constrained generations run interleaved
 * (temperature 1, same seeds); the overhead is the ratio of their median
 * decode time per token. Mask cost per schema is also measured apart from the
 * model: compile time, and the time to advance a row over one token and build
 * the next mask, cold (fresh mask cache) and warm (cache filled by earlier runs).
 * Prints one JSON object on stdout.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadModel } from '@plugboard/core';
// the compiler and its per-row state are internals of core's generation loop: the bench times them directly
import { compileConstraint } from '../packages/core/src/constrained/compile-constraint.ts';
import { ConstrainedRow } from '../packages/core/src/constrained/constrained-row.ts';
import { QWEN25_05B_SHAPES, ensureFixtureModel } from '@plugboard/core/testing';
import type { ConstraintSpec, GenerationResult, ModelDType, Tokenizer } from '@plugboard/core';
import { tokenVocabulary } from '../packages/core/src/constrained/token-vocabulary.ts';
import { log, median, parseFlags, printResult, round } from './lib/bench-io.ts';

const flags = parseFlags(process.argv.slice(2));
const root = join(import.meta.dirname, '..');
const dtype = (flags.dtype ?? 'int4') as ModelDType;
const runs = Number(flags.runs ?? 5);
const newTokens = Number(flags['new-tokens'] ?? 48);
const threads = Number(flags.threads ?? 2);

const TOOLS = {
  get_weather: z.object({ city: z.string().min(1).max(32), unit: z.enum(['celsius', 'fahrenheit']), days: z.number().int().min(1).max(7).optional() }),
  search_docs: z.object({ query: z.string().min(1).max(64), k: z.number().int().min(1).max(10) }),
  add: z.object({ a: z.number(), b: z.number() }),
};
const ANSWER = z.object({
  answer: z.string().max(200),
  confidence: z.number().min(0).max(1),
  sources: z.array(z.object({ title: z.string().max(40), page: z.number().int().min(1) })).max(3),
  verdict: z.enum(['yes', 'no', 'unsure']),
});
const tools = Object.entries(TOOLS).map(([name, schema]) => ({ name, parameters: z.toJSONSchema(schema) as Record<string, unknown> }));
/** `tag` makes an otherwise equal spec a new one (a fresh compile with an empty mask cache) */
const SCHEMAS: Record<string, (tag: string) => ConstraintSpec> = {
  tool_calls_required: (tag) => ({ type: 'tool_calls', tools: tools.map((t) => ({ ...t, description: tag })), toolChoice: 'required', maxCalls: 2 }),
  json_schema_answer: (tag) => ({ type: 'json_schema', schema: z.toJSONSchema(ANSWER), name: tag }),
};

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] as number;

/** Walks rows over random allowed tokens (seeded), timing advance + next mask per token. */
function maskCost(spec: ConstraintSpec, tokenizer: Tokenizer, walks: number): { compile_ms: number; per_token_ms: { median: number; p90: number; max: number }; tokens: number } {
  const compiled = compileConstraint(spec, tokenizer);
  const times: number[] = [];
  let seed = 12345;
  for (let walk = 0; walk < walks; walk += 1) {
    const row = new ConstrainedRow(compiled, tokenizer.eosTokenIds);
    for (let i = 0; i < 400 && !row.complete; i += 1) {
      const mask = row.mask();
      const choices = mask.ids.length + mask.endIds.length;
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const pick = seed % choices;
      const id = pick < mask.ids.length ? (mask.ids[pick] as number) : (mask.endIds[pick - mask.ids.length] as number);
      const started = performance.now();
      row.advance(id);
      times.push(performance.now() - started);
    }
  }
  return {
    compile_ms: round(compiled.compileMs, 2),
    per_token_ms: { median: round(median(times), 3), p90: round(percentile(times, 0.9), 3), max: round(Math.max(...times), 1) },
    tokens: times.length,
  };
}

const msPerToken = (r: GenerationResult) => (r.timings.decodeTokensPerSecond > 0 ? 1000 / r.timings.decodeTokensPerSecond : Number.NaN);

async function main(): Promise<void> {
  const dir = flags.model ?? ensureFixtureModel(join(root, '.cache', 'bench-models', 'qwen2.5-0.5b-shaped'), { ...QWEN25_05B_SHAPES, architecture: 'qwen2' }).dir;
  log(`loading ${dir} (${dtype})`);
  const model = await loadModel(dir, { dtype, cacheDir: join(root, '.cache', 'bench-graphs'), intraOpNumThreads: threads });
  const vocabulary = tokenVocabulary(model.tokenizer);
  log(`token vocabulary: ${vocabulary.size} tokens, trie of ${vocabulary.trie.nodeCount} nodes in ${vocabulary.buildMs.toFixed(0)} ms`);

  const schemas: Record<string, unknown> = {};
  const maskBuild: Record<string, unknown> = {};
  const free: number[] = [];
  const constrainedAll: number[] = [];
  const prompt = { messages: [{ role: 'user' as const, content: 'What is the weather in Oslo this week? Answer with a tool call or JSON.' }] };
  for (const [name, specOf] of Object.entries(SCHEMAS)) {
    const cold = maskCost(specOf(`cold-${name}`), model.tokenizer, 3);
    const warm = maskCost(specOf(`cold-${name}`), model.tokenizer, 3); // same spec: its masks are cached now
    const spec = specOf('generate');
    const constrained: number[] = [];
    const freeHere: number[] = [];
    let complete = 0;
    for (let run = 0; run < runs; run += 1) {
      // interleaved, same seed: a free run, then a constrained one
      const [f] = await model.generate(prompt, { temperature: 1, seed: run, maxTokens: newTokens, ignoreEos: true }).result;
      const [c] = await model.generate(prompt, { temperature: 1, seed: run, maxTokens: newTokens, constraint: spec }).result;
      freeHere.push(msPerToken(f!));
      constrained.push(msPerToken(c!));
      if (c!.finishReason === 'stop') complete += 1;
      log(`${name} run ${run}: free ${msPerToken(f!).toFixed(1)} ms/token, constrained ${msPerToken(c!).toFixed(1)} ms/token (${c!.tokens.length} tokens, ${c!.finishReason})`);
    }
    maskBuild[name] = { compile_ms: cold.compile_ms, per_token_cold: cold.per_token_ms, per_token_warm: warm.per_token_ms };
    free.push(...freeHere);
    constrainedAll.push(...constrained);
    schemas[name] = {
      mask_walk_tokens: cold.tokens,
      free_decode_ms_per_token: round(median(freeHere), 2),
      constrained_decode_ms_per_token: round(median(constrained), 2),
      constrained_decode_overhead: round(median(constrained) / median(freeHere), 3),
      constrained_runs_complete_before_max_tokens: `${complete}/${runs}`,
    };
  }
  printResult({
    constrained_decode_overhead: round(median(constrainedAll) / median(free), 3),
    goal: '<= 1.10',
    model: flags.model ?? 'qwen2.5-0.5b-shaped fixture (random weights)',
    dtype,
    vocab_size: model.config.vocabSize,
    tokenizer_tokens: vocabulary.size,
    token_trie_nodes: vocabulary.trie.nodeCount,
    token_vocabulary_build_ms: round(vocabulary.buildMs, 0),
    mask_build_ms: maskBuild,
    schemas,
    runs_per_schema: runs,
    max_new_tokens: newTokens,
    sampling: 'temperature 1, same seed for the free and the constrained run; medians over runs',
    mask_cache: 'one per compiled spec, shared across runs (as a server reusing a tool schema); cold figures use a fresh spec',
    host_cpu: cpus()[0]?.model ?? 'unknown',
    cpu_cores: cpus().length,
    intra_op_threads: threads,
    node: process.version,
  });
  await model.dispose();
}

await main();
