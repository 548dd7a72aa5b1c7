import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import type { GenerationResult } from '../events/model-events.ts';
import { ModelEventEmitter } from '../events/model-events.ts';
import { LoadProgressReporter } from './load-progress.ts';
import type { LoadProgress, LoadProgressListener } from './load-progress.ts';
import { createSession } from '../graph/ort-session.ts';
import type { ModelConfig } from '../hf/config.ts';
import { readModelConfig } from '../hf/config.ts';
import type { ChatMessage } from '../hf/chat-template.ts';
import { loadChatTemplate, type ChatTemplate } from '../hf/chat-template.ts';
import { fingerprintIndexDirOf, openWeights } from '../hf/safetensors-weights.ts';
import type { Tokenizer } from '../hf/tokenizer.ts';
import { loadTokenizer } from '../hf/tokenizer.ts';
import { validateWeights } from '../hf/validate-weights.ts';
import { CheckedWeights } from '../hf/checked-weights.ts';
import type { WeightSource } from '../hf/weight-source.ts';
import type { HubOptions } from '../hub/hub-options.ts';
import { resolveModel } from '../hub/resolve-model.ts';
import type { SlotTensor } from '../model/adapter-slots.ts';
import { zeroSlotTensors } from '../model/adapter-slots.ts';
import type { InferenceBuildOptions } from '../model/build-options.ts';
import { buildInferenceGraph } from '../model/inference-graph.ts';
import { rotaryContextLimit } from '../model/rotary-frequencies.ts';
import type { GeneratedToken, GenerateOptions, GenerationHost, RowRequest } from './generate.ts';
import { generateRows } from './generate.ts';
import { KvCache } from './kv-cache.ts';
import { runStep } from './step.ts';
import { Conversation } from './conversation.ts';
import { scoreTokens } from './logprobs.ts';
import type { LogprobsOptions, LogprobsResult } from './logprobs.ts';
import type { GenerationStream } from './generation-stream.ts';
import { cachedGraph, defaultGraphCacheDir, graphCacheKey } from './graph-cache.ts';
import type { LoadModelOptions, ResolvedLoadModelOptions } from './load-options.ts';
import { LoadModelOptionsSchema, buildOptionsFor } from './load-options.ts';

/** A prompt: plain text, chat messages (rendered with the model's chat template), or token ids. */
export type Prompt = string | { messages: ChatMessage[] } | { tokens: number[] };

export interface GenerateRequest {
  prompt: Prompt;
  /** resident adapter slot the row runs with (0 = base) */
  adapterSlot?: number;
}

/** A model loaded for inference: its graph session, tokenizer, adapter slots and events. */
export class Model implements GenerationHost {
  constructor(
    readonly dir: string,
    readonly config: ModelConfig,
    readonly tokenizer: Tokenizer,
    readonly session: ort.InferenceSession,
    readonly buildOptions: InferenceBuildOptions,
    readonly options: ResolvedLoadModelOptions,
    readonly graphPath: string,
    readonly weightsFingerprint: string,
    /** stacked adapter slot tensors (slot 0 all zeros); the adapter bank writes into them in place */
    readonly slots: Map<string, SlotTensor>,
    /** pass an emitter to hear `model:load` too */
    readonly events: ModelEventEmitter = new ModelEventEmitter(),
    /** Frobenius norm of each base weight (HF name), measured when the graph was built: adapters are bounded against them */
    readonly baseWeightNorms: ReadonlyMap<string, number> = new Map(),
    /** the session prompts are prefilled with (options.prefillDtype's graph), else `session` */
    readonly prefillSession: ort.InferenceSession = session,
  ) {
    this.slotTensors = slots.size === 0 ? null : Object.fromEntries([...slots].map(([name, t]) => [name, new ort.Tensor('float32', t.data, t.dims)]));
  }

  private readonly slotTensors: Record<string, ort.Tensor> | null;
  private template: ChatTemplate | undefined;

  /** The model's chat template, read on first use (base models have none: CHAT_TEMPLATE_ERROR). */
  chatTemplate(): ChatTemplate {
    this.template ??= loadChatTemplate(this.dir);
    return this.template;
  }

  get prefillChunkTokens(): number {
    return this.options.prefillChunkTokens;
  }

  get contextLength(): number {
    return this.options.contextLength ?? this.config.maxPositionEmbeddings;
  }

  slotFeeds(): Record<string, ort.Tensor> | null {
    return this.slotTensors;
  }

  /** Token ids of a prompt (chat messages go through the chat template with a generation prompt). */
  encodePrompt(prompt: Prompt): number[] {
    if (typeof prompt === 'string') return this.tokenizer.encode(prompt, { addSpecialTokens: true });
    if ('tokens' in prompt) return prompt.tokens;
    const text = this.chatTemplate().render({ messages: prompt.messages, addGenerationPrompt: true });
    return this.tokenizer.encode(text, { addSpecialTokens: false });
  }

  /** Streams generated tokens of one prompt; `await stream.result` for the text, tokens, finish reason and timings. */
  generate(prompt: Prompt, options: GenerateOptions & { adapterSlot?: number } = {}): GenerationStream<GeneratedToken, GenerationResult[]> {
    const { adapterSlot, ...rest } = options;
    return this.generateBatch([{ prompt, adapterSlot }], rest);
  }

  /** B prompts (any lengths, any adapter slots) generated together in one batch. */
  generateBatch(requests: GenerateRequest[], options: GenerateOptions = {}): GenerationStream<GeneratedToken, GenerationResult[]> {
    const rows: RowRequest[] = requests.map((r) => ({ tokens: this.encodePrompt(r.prompt), adapterSlot: r.adapterSlot }));
    for (const r of rows) this.checkSlot(r.adapterSlot ?? 0);
    return generateRows(this, rows, options);
  }

  /**
   * Sentence embeddings: the mean over each text's tokens of the last hidden
   * state (after the final norm), L2-normalized. Needs `hiddenStates: true`.
   */
  async embed(texts: string[], options: { adapterSlot?: number } = {}): Promise<Float32Array[]> {
    if (!this.buildOptions.hiddenStates) {
      throw new PlugboardError('INVALID_ARGUMENT', 'embed() needs the hidden_states output: load the model with { hiddenStates: true }');
    }
    if (texts.length === 0) return [];
    const rows = texts.map((text) => this.tokenizer.encode(text, { addSpecialTokens: true }).slice(0, this.contextLength - 1));
    rows.forEach((tokens, i) => {
      if (tokens.length === 0) throw new PlugboardError('INVALID_ARGUMENT', `text ${i} has no tokens to embed`);
    });
    const slot = options.adapterSlot ?? 0;
    const out = await runStep(this.session, KvCache.empty(this.config, rows.length), rows.map((tokens) => ({ tokens, adapterSlot: slot })), this.slotTensors);
    const hidden = out.hiddenStates?.data as Float32Array;
    const width = Math.max(...rows.map((r) => r.length));
    const d = this.config.hiddenSize;
    return rows.map((tokens, b) => meanPooled(hidden, b * width * d, tokens.length, d));
  }

  /**
   * log p(token | the tokens before it) for every token of the prompt after
   * the first, with the topK alternatives per position. Needs every token's
   * logits: a model loaded with `logits: 'all'` scores with its own session,
   * others open (once) the all-logits graph of the same build, adapter slots shared.
   */
  async logprobs(prompt: Prompt, options: LogprobsOptions = {}): Promise<LogprobsResult> {
    if (options.adapterSlot !== undefined) this.checkSlot(options.adapterSlot);
    const tokens = this.encodePrompt(prompt);
    this.allLogits ??= this.buildOptions.logits === 'all' ? Promise.resolve(null) : loadModel(this.dir, { ...this.options, logits: 'all' });
    const scorer = await this.allLogits;
    return scoreTokens(this, scorer?.session ?? this.session, tokens, options);
  }

  private allLogits: Promise<Model | null> | undefined;

  /** A single-row conversation whose KV cache persists across turns and skill switches. */
  conversation(): Conversation {
    return new Conversation(this);
  }

  /** Convenience: generate and return the single result. */
  async complete(prompt: Prompt, options: GenerateOptions & { adapterSlot?: number } = {}): Promise<GenerationResult> {
    const [result] = await this.generate(prompt, options).result;
    return result as GenerationResult;
  }

  async dispose(): Promise<void> {
    await (await this.allLogits?.catch(() => null))?.dispose();
    if (this.prefillSession !== this.session) await this.prefillSession.release();
    await this.session.release();
  }

  private checkSlot(slot: number): void {
    const slots = this.buildOptions.adapters?.slots ?? 1;
    if (!Number.isInteger(slot) || slot < 0 || slot >= slots) {
      throw new PlugboardError('INVALID_ARGUMENT', `adapter slot ${slot} does not exist (the model has ${slots} slots, 0 = base)`);
    }
  }
}

/** Mean of `count` consecutive d-vectors starting at `offset`, L2-normalized. */
function meanPooled(hidden: Float32Array, offset: number, count: number, d: number): Float32Array {
  const sum = new Float64Array(d);
  for (let t = 0; t < count; t++) for (let j = 0; j < d; j++) sum[j]! += hidden[offset + t * d + j] as number;
  const norm = Math.hypot(...sum) || 1;
  return Float32Array.from(sum, (v) => v / norm);
}

const BuildStampNormsSchema = z.object({ weightNorms: z.record(z.string(), z.number().nonnegative()) });

/** The base weight norms a build recorded in its stamp (none from a stamp without them). */
function weightNormsOf(stamp: unknown): Map<string, number> {
  const parsed = BuildStampNormsSchema.safeParse(stamp);
  return new Map(parsed.success ? Object.entries(parsed.data.weightNorms) : []);
}

/** What loadModel takes beside its options: where to report (events, a progress listener) and how to reach the hub. */
export interface LoadModelHooks {
  /** the model's event emitter, created before the load so `model:progress` reaches listeners during it */
  events?: ModelEventEmitter;
  hub?: HubOptions;
  /** called as the load goes: each weight tensor the graph build reads, then the session, then ready */
  onProgress?: LoadProgressListener;
}

/**
 * Loads a Hugging Face model folder, a .gguf file, or a hub id
 * `org/name[@revision]` (from the huggingface_hub cache, pulled first when
 * needed; `hub` overrides the HF_* environment): validates config and
 * weights, builds the inference graph (or takes it from the cache), and
 * opens an ORT session.
 */
export async function loadModel(idOrDir: string, options: LoadModelOptions & LoadModelHooks = {}): Promise<Model> {
  const started = performance.now();
  const { events, hub, onProgress, ...rest } = options;
  const parsed = LoadModelOptionsSchema.safeParse(rest);
  if (!parsed.success) {
    throw new PlugboardError('INVALID_ARGUMENT', `invalid loadModel options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const resolved = parsed.data;
  // a GGUF's derived folder goes with the graphs
  const dir = await resolveModel(idOrDir, { ...hub, ggufCacheDir: resolved.cacheDir === undefined ? undefined : join(resolved.cacheDir, 'gguf') });
  const config = readModelConfig(dir);
  if (resolved.contextLength !== undefined && resolved.contextLength > rotaryContextLimit(config)) {
    throw new PlugboardError('INVALID_ARGUMENT', `contextLength ${resolved.contextLength} exceeds the model's ${rotaryContextLimit(config)} positions (max_position_embeddings, × factor for dynamic rope scaling)`);
  }
  const tokenizer = loadTokenizer(dir);
  const cacheDir = resolved.cacheDir ?? defaultGraphCacheDir();
  const weights = openWeights(dir, { fingerprintIndexDir: fingerprintIndexDirOf(cacheDir) });
  // a GGUF's Q4_0/Q8_0 blocks are taken over as they are when the build quantizes at their block size
  const source: WeightSource = weights;
  const buildOptions = buildOptionsFor(resolved, (bits) => source.quantizedBlockSize?.(bits));
  // the prefill graph: the same graph at another precision, with the host's int8 kernel and
  // GroupQueryAttention (faster than matmul attention on prompt chunks, see bench:runtime)
  const prefillOptions =
    resolved.prefillDtype === undefined || resolved.prefillDtype === resolved.dtype
      ? null
      : buildOptionsFor({ ...resolved, dtype: resolved.prefillDtype, int8Kernel: 'auto', attention: 'gqa' }, (bits) => source.quantizedBlockSize?.(bits));
  let prefillGraphPath: string | undefined;
  let graph;
  let progress: LoadProgressReporter;
  try {
    validateWeights(weights, config, { ignoreUnexpected: resolved.ignoreUnexpectedWeights });
    progress = new LoadProgressReporter(weights, [...(onProgress ? [onProgress] : []), ...(events ? [(p: LoadProgress) => events.emit('model:progress', p)] : [])]);
    const fingerprint = weights.fingerprint();
    // checked (finite) and measured while the build reads them; a cached graph was built from the same bytes
    const checked = new CheckedWeights(weights, progress.tensorRead);
    const cached = (options: InferenceBuildOptions) =>
      cachedGraph(cacheDir, graphCacheKey(config, fingerprint, options), () => buildInferenceGraph(config, checked, options), {
        stamp: () => ({ dir, config, buildOptions: options, weightNorms: Object.fromEntries(checked.norms) }),
        force: resolved.rebuild,
      });
    const built = await cached(buildOptions);
    graph = { ...built, fingerprint, weightNorms: weightNormsOf(built.stamp) };
    if (prefillOptions !== null) prefillGraphPath = (await cached(prefillOptions)).modelPath;
  } finally {
    weights.close();
  }
  progress.phase('session');
  const sessionOptions = { intraOpNumThreads: resolved.intraOpNumThreads, graphOptimizationLevel: resolved.graphOptimizationLevel, config: resolved.sessionConfig };
  const session = await createSession(graph.modelPath, sessionOptions);
  const prefillSession = prefillGraphPath === undefined ? session : await createSession(prefillGraphPath, sessionOptions);
  const slots = buildOptions.adapters ? zeroSlotTensors(config, buildOptions.adapters) : new Map<string, SlotTensor>();
  const model = new Model(dir, config, tokenizer, session, buildOptions, resolved, graph.modelPath, graph.fingerprint, slots, events, graph.weightNorms, prefillSession);
  progress.phase('ready');
  model.events.emit('model:load', { dir, ms: performance.now() - started, fromCache: graph.fromCache, graphPath: graph.modelPath });
  return model;
}
