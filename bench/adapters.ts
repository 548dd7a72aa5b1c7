/**
 * pnpm exec tsx bench/adapters.ts [--threads 2] [--prompt-tokens 32] [--new-tokens 32]
 *
 * The adapter bank on a random model with Qwen2.5-0.5B's exact shapes (fp32):
 * switching between resident adapters, loading a ~9 MB PEFT LoRA from disk,
 * decode speed with LoRA / LISA-sparse LoRA / bottleneck slots active versus
 * the same model built without slots, a batch of 4 rows on 4 different
 * adapters versus the same 4 requests one after another, and the first-token
 * time after a skill switch behind a 2,048-token prefix (full vs activated).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GRAPH_INPUTS, createAdapterBank, loadModel, readAdapter } from '@plugboard/core';
import { QWEN25_05B_SHAPES, ensureFixtureModel, randomLoadedBottleneck, randomLoadedLora, writeRandomPeftLora } from '@plugboard/core/testing';
import type { AdapterBank, AdapterSlotLayout, LoraModule, Model, ModelConfig } from '@plugboard/core';
import { log, median, parseFlags, printResult, round } from './lib/bench-io.ts';
import { switchTtftMs } from './lib/switch-ttft.ts';

const flags = parseFlags(process.argv.slice(2));
const root = join(import.meta.dirname, '..');
const cacheDir = join(root, '.cache', 'bench-graphs');
const threads = Number(flags.threads ?? 2);
const promptTokens = Number(flags['prompt-tokens'] ?? 32);
const newTokens = Number(flags['new-tokens'] ?? 32);
const QKVO: LoraModule[] = ['q', 'k', 'v', 'o'];
const RANK = 16;

const prompt = (seed: number) => Array.from({ length: promptTokens }, (_, i) => (i * 7919 + seed * 104729 + 13) % 50_000);

async function open(dir: string, adapters: AdapterSlotLayout | null): Promise<Model> {
  const started = performance.now();
  const model = await loadModel(dir, { adapters, cacheDir, intraOpNumThreads: threads });
  log(`  loaded in ${round((performance.now() - started) / 1000, 1)} s`);
  return model;
}

/**
 * Greedy decode tokens/s of one request on `slot`, from the median interval
 * between streamed tokens: robust to the spikes a shared machine adds.
 */
async function decodeRate(model: Model, slot: number | undefined, run: number): Promise<number> {
  const intervals: number[] = [];
  let last = 0;
  for await (const _ of model.generate({ tokens: prompt(run) }, { temperature: 0, maxTokens: newTokens, ignoreEos: true, adapterSlot: slot })) {
    const now = performance.now();
    if (last > 0) intervals.push(now - last);
    last = now;
  }
  return 1000 / median(intervals);
}

/**
 * Decode-rate ratio of each variant to the first (the base), measured in
 * interleaved rounds after a warm-up round; per round the ratio is paired
 * (same moment, same load), and the median over rounds is reported.
 */
async function decodeOverheads(variants: { model: Model; slot?: number }[], rounds: number): Promise<{ rates: number[]; overheads: number[] }> {
  const rates = variants.map(() => [] as number[]);
  const ratios = variants.map(() => [] as number[]);
  for (let round = 0; round <= rounds; round++) {
    const measured: number[] = [];
    for (const v of variants) measured.push(await decodeRate(v.model, v.slot, round));
    if (round === 0) continue;
    measured.forEach((rate, i) => {
      rates[i]!.push(rate);
      ratios[i]!.push((measured[0] as number) / rate);
    });
  }
  return { rates: rates.map(median), overheads: ratios.map(median) };
}

/** Median µs to move a one-row request to another resident adapter: lease, feeds for the run, release. */
function swapMicros(model: Model, bank: AdapterBank, ids: string[]): number {
  const samples: number[] = [];
  const slotFeeds = model.slotFeeds();
  let sink = 0;
  for (let i = 0; i < 20_000; i++) {
    const started = process.hrtime.bigint();
    const lease = bank.acquire(ids[i % ids.length] as string);
    const feeds = {
      ...slotFeeds,
      [GRAPH_INPUTS.adapterIndex]: new ort.Tensor('int64', BigInt64Array.of(BigInt(lease.slot)), [1]),
      [GRAPH_INPUTS.adapterMask]: new ort.Tensor('float32', new Float32Array(1).fill(1), [1, 1]),
    };
    lease.release();
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
    sink += Object.keys(feeds).length;
  }
  if (sink === 0) throw new Error('unreachable: keeps the feeds from being optimized away');
  return median(samples.slice(1000));
}

/** Median ms to read a PEFT LoRA folder and make it resident (evicted again between runs). */
function coldLoadMs(config: ModelConfig, bank: AdapterBank, dir: string): { ms: number; bytes: number } {
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < 6; run++) {
    const started = performance.now();
    const handle = bank.load(readAdapter(dir, { config }));
    times.push(performance.now() - started);
    bytes = handle.bytes;
    bank.evict(handle.id);
  }
  return { ms: median(times.slice(1)), bytes };
}

/** Tokens/s (prefill included) of 4 requests on 4 adapters in one batch, divided by the same 4 one after another. */
async function batchSpeedup(model: Model, slots: number[]): Promise<{ speedup: number; batched: number; sequential: number }> {
  const options = { temperature: 0, maxTokens: newTokens, ignoreEos: true };
  const requests = slots.map((slot, i) => ({ prompt: { tokens: prompt(10 + i) }, adapterSlot: slot }));
  await model.generateBatch(requests, options).result; // warm-up
  let started = performance.now();
  await model.generateBatch(requests, options).result;
  const batchedMs = performance.now() - started;
  started = performance.now();
  for (const r of requests) await model.generate(r.prompt, { ...options, adapterSlot: r.adapterSlot }).result;
  const sequentialMs = performance.now() - started;
  const tokens = slots.length * newTokens;
  return { speedup: sequentialMs / batchedMs, batched: tokens / (batchedMs / 1000), sequential: tokens / (sequentialMs / 1000) };
}

mkdirSync(join(root, '.cache', 'bench-models'), { recursive: true });
log('writing the Qwen2.5-0.5B-shaped fixture (cached after the first run)');
const { dir, config } = ensureFixtureModel(join(root, '.cache', 'bench-models', 'qwen2.5-0.5b-shaped'), { ...QWEN25_05B_SHAPES, architecture: 'qwen2' });

log('base model (no adapter slots)');
const base = await open(dir, null);

log(`LoRA slots: rank ${RANK} on q,k,v,o in every layer, 5 slots`);
const lora = await open(dir, { slots: 5, lora: { rank: RANK, modules: QKVO } });
const bank = createAdapterBank(lora);
const peftDir = join(root, '.cache', 'bench-adapters', 'lora-r16-qkvo');
const written = writeRandomPeftLora(peftDir, { config, rank: RANK, alpha: 32, modules: QKVO, seed: 1, scale: 0.01 });
const cold = coldLoadMs(config, bank, written.dir);
log(`  cold load ${round(cold.ms)} ms for ${round(cold.bytes / 1e6)} MB`);
const ids = [1, 2, 3, 4].map((seed) => bank.load(randomLoadedLora(config, { rank: RANK, modules: QKVO, seed, scale: 0.01 })).id);
const slots = ids.map((id) => bank.get(id)!.slot);
const swapUs = swapMicros(lora, bank, ids);
log(`  swap ${round(swapUs, 3)} µs`);

const lisaLayers = [config.numLayers - 3, config.numLayers - 2, config.numLayers - 1];
log(`LISA-sparse LoRA slots: rank ${RANK} on q,k,v,o in layers ${lisaLayers.join(', ')}`);
const lisa = await open(dir, { slots: 2, lora: { rank: RANK, modules: QKVO, layers: lisaLayers } });
const lisaSlot = createAdapterBank(lisa).load(randomLoadedLora(config, { rank: RANK, modules: QKVO, layers: lisaLayers, seed: 5, scale: 0.01 })).slot;

log('bottleneck adapter slots: width 64 in every layer');
const bottleneck = await open(dir, { slots: 2, bottleneck: { width: 64, activation: 'gelu' } });
const bottleneckSlot = createAdapterBank(bottleneck).load(randomLoadedBottleneck(config, { width: 64, activation: 'gelu', seed: 6, scale: 0.01 })).slot;

log('decode rates, interleaved rounds: base, LoRA, LISA, bottleneck');
const decode = await decodeOverheads(
  [{ model: base }, { model: lora, slot: slots[0] }, { model: lisa, slot: lisaSlot }, { model: bottleneck, slot: bottleneckSlot }],
  Number(flags.rounds ?? 12),
);
const [baseRate, loraRate, lisaRate, adapterRate] = decode.rates as [number, number, number, number];
const [, loraOverhead, lisaOverhead, adapterOverhead] = decode.overheads as [number, number, number, number];
log(`  base ${round(baseRate)}, LoRA ${round(loraRate)}, LISA ${round(lisaRate)}, bottleneck ${round(adapterRate)} tok/s`);
await Promise.all([base.dispose(), lisa.dispose(), bottleneck.dispose()]);

const batch = await batchSpeedup(lora, slots);
log(`  batch of 4 mixed: ${round(batch.batched)} vs ${round(batch.sequential)} tok/s`);

log('time to first token after a skill switch behind a 2,048-token prefix');
const [a, b] = ids.slice(0, 2).map((id) => ({ id, slot: bank.get(id)!.slot })) as [{ id: string; slot: number }, { id: string; slot: number }];
const switchFull = await switchTtftMs(lora, 'full', a, b);
const switchActivated = await switchTtftMs(lora, 'activated', a, b);
log(`  full ${round(switchFull)} ms, activated ${round(switchActivated)} ms`);
await lora.dispose();

printResult({
  model: 'qwen2.5-0.5b-shaped fp32 (random weights)',
  threads,
  prompt_tokens: promptTokens,
  new_tokens: newTokens,
  swap_resident_us: round(swapUs, 3),
  load_cold_ms: round(cold.ms),
  load_cold_adapter_mb: round(cold.bytes / 1e6),
  base_decode_tokens_per_s: round(baseRate),
  decode_overhead_lora_r16_qkvo: round(loraOverhead, 3),
  decode_overhead_lisa_r16_3layers: round(lisaOverhead, 3),
  decode_overhead_adapter_m64: round(adapterOverhead, 3),
  switch_ttft_ms_full: round(switchFull),
  switch_ttft_ms_activated: round(switchActivated),
  switch_ttft_ratio: round(switchActivated / switchFull, 4),
  batch4_mixed_speedup: round(batch.speedup, 2),
  batch4_mixed_tokens_per_s: round(batch.batched),
  sequential4_tokens_per_s: round(batch.sequential),
});
