import { PlugboardError, randomModelWeights } from '@plugboard/core';
import type { ModelConfig, WeightSource } from '@plugboard/core';
import { BatchOrder, sequentialBatches } from '../data/batch-order.ts';
import { maskedTokenCount } from '../data/token-batch.ts';
import type { TrainingData } from '../data/training-data.ts';
import { buildTrainingGraph } from '../model/training-graph.ts';
import { initializeAdapters } from '../methods/init-adapters.ts';
import type { LayerImportance } from '../methods/layer-importance.ts';
import { probeLayerImportance } from '../methods/layer-probe.ts';
import { MethodOptionsSchema } from '../methods/method-options.ts';
import type { MethodOptions, MethodOptionsInput } from '../methods/method-options.ts';
import { planMethod } from '../methods/method-plan.ts';
import { progressiveLayerImportance, scanLayerImportance } from '../methods/validation-probes.ts';
import type { FitProbe } from '../methods/validation-probes.ts';
import type { MethodPlan } from '../methods/method-plan.ts';
import { AdamW } from './adamw.ts';
import { batchFeeds } from './batch-feeds.ts';
import { loadCheckpoint, readCheckpointState, saveCheckpoint } from './checkpoint.ts';
import type { TrainState } from './checkpoint.ts';
import { clipByGlobalNorm } from './clip-gradients.ts';
import { evaluateLoss } from './evaluate-loss.ts';
import { gradientName } from '../autodiff/differentiate.ts';
import { GradientSessions } from './gradient-sessions.ts';
import { learningRateAt } from './lr-schedule.ts';
import { ParameterStore } from './parameter-store.ts';
import { TrainOptionsSchema, baseQuantization, checkTrainOptionsFitModel } from './train-options.ts';
import type { TrainOptions, TrainOptionsInput, TrainProgress } from './train-options.ts';

export interface TrainInput {
  config: ModelConfig;
  /** the base weights; omitted = train from scratch (seeded random init) */
  base?: WeightSource;
  data: TrainingData;
  method: MethodOptionsInput;
  options: TrainOptionsInput;
  /** a checkpoint folder to continue from */
  resumeFrom?: string;
  onProgress?: (progress: TrainProgress) => void;
  /** stops at the next step boundary and writes a checkpoint (when checkpointDir is set) */
  signal?: AbortSignal;
}

export type StopReason = 'completed' | 'early-stopped' | 'aborted';

export interface TrainResult {
  plan: MethodPlan;
  store: ParameterStore;
  state: TrainState;
  stopReason: StopReason;
  /** values in the parameters the method trains */
  trainableParameters: number;
  /** early-stopped with restoreBest: the step whose parameters the store now holds */
  restoredBestStep?: number;
}

function initialState(method: MethodOptions, seed: number, importance?: LayerImportance): TrainState {
  return {
    version: 1,
    methodKind: method.kind,
    step: 0,
    cursor: { epoch: 0, batchIndex: 0 },
    seed,
    curve: [],
    evals: [],
    bestEval: null,
    evalsWithoutImprovement: 0,
    optimizerSteps: {},
    ...(importance ? { importance } : {}),
  };
}

/** The base weights: the given ones, or seeded random ones for pretraining from scratch. */
function baseWeights(input: TrainInput, seed: number): WeightSource {
  return input.base ?? randomModelWeights(input.config, seed);
}

/** Runs `use` with sessions over the base training graph (no adapters) holding the base weights. */
async function withBaseGraph<T>(input: TrainInput, options: TrainOptions, base: WeightSource, use: (sessions: GradientSessions, store: ParameterStore) => Promise<T>): Promise<T> {
  const probeGraph = buildTrainingGraph(input.config, { batch: options.batch, sequence: options.sequence, quantization: baseQuantization(options) }, base);
  const store = new ParameterStore(probeGraph.parameters);
  store.loadFrom(base);
  const sessions = new GradientSessions(probeGraph);
  try {
    return await use(sessions, store);
  } finally {
    await sessions.release();
  }
}

type LisaOptions = Extract<MethodOptions, { kind: 'lisa' }>;

/** scan / progressive: a short training of the skill's adapter kind in `layers` only; its final held-out loss. */
function probeFitter(input: TrainInput, method: LisaOptions, options: TrainOptions, base: WeightSource): FitProbe {
  const { rank, alpha, useRslora, modules, width, activation } = method;
  const { checkpointDir: _checkpointDir, ...rest } = options;
  return async (layers) => {
    const probeMethod: MethodOptionsInput =
      method.adapterKind === 'bottleneck' ? { kind: 'adapter', width, activation, layers } : { kind: 'lora', rank, alpha, useRslora, modules, layers };
    const probeOptions = { ...rest, steps: method.probeSteps, schedule: { learningRate: options.schedule.learningRate }, evalEvery: 0, patience: null, checkpointEvery: 0 };
    const result = await train({ config: input.config, base, data: input.data, method: probeMethod, options: probeOptions });
    return result.state.evals.at(-1)?.loss ?? Number.NaN;
  };
}

/** lisa: rank layers on the skill's data with the chosen probe; other methods need no probe. */
async function probeIfLisa(input: TrainInput, method: MethodOptions, options: TrainOptions, base: WeightSource): Promise<LayerImportance | undefined> {
  if (method.kind !== 'lisa') return undefined;
  const { numLayers } = input.config;
  if (method.probe === 'gradient') {
    if (options.baseDtype !== 'fp32') {
      throw new PlugboardError('INVALID_ARGUMENT', `the gradient probe needs gradients of fp32 base weights, but the base is ${options.baseDtype}: use the scan or progressive probe`);
    }
    const batches = sequentialBatches(input.data.train, options.batch, options.sequence).slice(0, method.probeBatches);
    return withBaseGraph(input, options, base, (sessions, store) => probeLayerImportance(input.config, sessions, store, batches));
  }
  if (input.data.heldOut.length === 0) {
    throw new PlugboardError('DATA_INVALID', `the ${method.probe} probe ranks layers by held-out loss, but the data has no held-out rows: hold some examples out (heldOutFraction > 0) or use the gradient probe`);
  }
  const baseLoss = await withBaseGraph(input, options, base, async (sessions, store) =>
    evaluateLoss(await sessions.forEvaluation(), store, input.data.heldOut, options.batch, options.sequence),
  );
  if (baseLoss === null) throw new PlugboardError('DATA_INVALID', `the held-out rows have no learned tokens: the ${method.probe} probe has nothing to measure`);
  const fitProbe = probeFitter(input, method, options, base);
  return method.probe === 'scan'
    ? scanLayerImportance(numLayers, baseLoss, fitProbe)
    : progressiveLayerImportance(numLayers, baseLoss, method.epsilon, fitProbe);
}

/**
 * Trains one method on prepared data with AdamW, warmup + cosine schedule,
 * global-norm clipping and gradient accumulation; evaluates the held-out
 * loss, stops early on a plateau, checkpoints and resumes exactly. The same
 * seed and data give the same loss curve.
 */
export async function train(input: TrainInput): Promise<TrainResult> {
  const options = TrainOptionsSchema.parse(input.options);
  checkTrainOptionsFitModel(options, input.config);
  const method = MethodOptionsSchema.parse(input.method);
  if (input.data.train.length === 0) throw new PlugboardError('DATA_INVALID', 'there are no training rows: add examples');
  const base = baseWeights(input, options.seed);
  if (options.baseDtype !== 'fp32' && (method.kind === 'full' || method.kind === 'lisa-sampling')) {
    throw new PlugboardError('INVALID_ARGUMENT', `${method.kind} trains the base weights, but the ${options.baseDtype} base is frozen: use lora, adapter or lisa, or baseDtype fp32`);
  }
  const resumed = input.resumeFrom !== undefined ? readCheckpointState(input.resumeFrom).importance : undefined;
  const importance = resumed ?? (await probeIfLisa(input, method, options, base));
  const plan = planMethod(input.config, method, options.seed, importance);
  const quantization = baseQuantization(options);
  const training = buildTrainingGraph(input.config, { batch: options.batch, sequence: options.sequence, method: plan.graphMethod, quantization }, base);
  const store = new ParameterStore(training.parameters);
  store.loadFrom(base);
  initializeAdapters(store, input.config, plan.graphMethod, options.seed);
  const adam = new AdamW(options.adamw);
  let state = initialState(method, options.seed, importance);
  if (input.resumeFrom !== undefined) state = loadCheckpoint(input.resumeFrom, store, adam);
  const sessions = new GradientSessions(training);
  try {
    const context: LoopContext = { input, options, plan, store, adam, sessions, state, best: null, restoredBestStep: undefined };
    const stopReason = await runSteps(context);
    const trainableParameters = plan.trainable.reduce((n, name) => n + store.get(name).length, 0);
    const { restoredBestStep } = context;
    return { plan, store, state, stopReason, trainableParameters, ...(restoredBestStep === undefined ? {} : { restoredBestStep }) };
  } finally {
    await sessions.release();
  }
}

interface LoopContext {
  input: TrainInput;
  options: TrainOptions;
  plan: MethodPlan;
  store: ParameterStore;
  adam: AdamW;
  sessions: GradientSessions;
  state: TrainState;
  /** the trainable parameters at the best held-out evaluation so far (restoreBest) */
  best: { step: number; parameters: Map<string, Float32Array> } | null;
  restoredBestStep: number | undefined;
}

async function runSteps(context: LoopContext): Promise<StopReason> {
  const { input, options, plan, store, adam, sessions, state } = context;
  const order = new BatchOrder(input.data.train, options.batch, options.sequence, options.seed);
  const tokensPerStep = options.batch * options.sequence * options.accumulation;
  const accumulators = new Map<string, Float32Array>();
  let secondsSpent = 0;
  let stepsTimed = 0;
  while (state.step < options.steps) {
    if (input.signal?.aborted) {
      checkpoint(context);
      return 'aborted';
    }
    const started = performance.now();
    const active = plan.activeAt(state.step);
    // only the parameters updated now keep optimizer state: lisa-sampling's memory bound, and a
    // layer drawn again starts with fresh moments, as LISA's optimizer re-created each period
    adam.retain(active);
    const runner = await sessions.forGradients(active);
    for (const name of active) (accumulators.get(name) ?? setNew(accumulators, name, store.get(name).length)).fill(0);
    let lossSum = 0;
    let tokenSum = 0;
    const parameters = store.feeds();
    const fetches = ['loss', ...active.map(gradientName)];
    for (let micro = 0; micro < options.accumulation; micro++) {
      const { batch, next } = order.take(state.cursor);
      state.cursor = next;
      const count = maskedTokenCount(batch);
      if (count === 0) continue;
      const out = await runner.run({ ...parameters, ...batchFeeds(batch) }, fetches);
      lossSum += (out.get('loss')?.[0] ?? Number.NaN) * count;
      tokenSum += count;
      // weight each micro-batch by its learned tokens, so the step's gradient is the token mean over all of them
      for (const name of active) {
        const sum = accumulators.get(name) as Float32Array;
        const grad = out.get(gradientName(name)) as Float32Array;
        for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (grad[i] as number) * count;
      }
    }
    const grads = active.map((name) => {
      const sum = accumulators.get(name) as Float32Array;
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) / Math.max(1, tokenSum);
      return sum;
    });
    const gradNorm = options.maxGradNorm === null ? Number.NaN : clipByGlobalNorm(grads, options.maxGradNorm);
    const learningRate = learningRateAt(options.schedule, state.step, options.steps);
    active.forEach((name, i) => adam.update(name, store.get(name), grads[i] as Float32Array, learningRate, store.shapeOf(name).length >= 2));
    const loss = lossSum / Math.max(1, tokenSum);
    state.step += 1;
    state.curve.push({ step: state.step, loss, learningRate });
    state.optimizerSteps = Object.fromEntries([...adam.states].map(([name, s]) => [name, s.steps]));

    const evalLoss = shouldEvaluate(options, state.step) ? await evaluate(context) : undefined;
    secondsSpent += (performance.now() - started) / 1000;
    stepsTimed += 1;
    const perStep = secondsSpent / stepsTimed;
    input.onProgress?.({
      step: state.step,
      totalSteps: options.steps,
      loss,
      learningRate,
      gradNorm,
      tokensPerSecond: tokensPerStep / perStep,
      etaSeconds: perStep * (options.steps - state.step),
      ...(evalLoss === undefined ? {} : { evalLoss }),
    });
    if (options.checkpointEvery > 0 && state.step % options.checkpointEvery === 0) checkpoint(context);
    if (options.patience !== null && state.evalsWithoutImprovement >= options.patience) {
      context.restoredBestStep = restoreBest(context);
      checkpoint(context);
      return 'early-stopped';
    }
  }
  if (options.evalEvery === 0 || options.steps % options.evalEvery !== 0) await evaluate(context);
  checkpoint(context);
  return 'completed';
}

function setNew(map: Map<string, Float32Array>, name: string, size: number): Float32Array {
  const array = new Float32Array(size);
  map.set(name, array);
  return array;
}

function shouldEvaluate(options: TrainOptions, step: number): boolean {
  return options.evalEvery > 0 && step % options.evalEvery === 0;
}

/** Held-out loss, recorded with the early-stopping bookkeeping; undefined when there is no held-out data. */
async function evaluate(context: LoopContext): Promise<number | undefined> {
  const { input, options, store, sessions, state } = context;
  if (input.data.heldOut.length === 0) return undefined;
  const loss = await evaluateLoss(await sessions.forEvaluation(), store, input.data.heldOut, options.batch, options.sequence);
  if (loss === null) return undefined;
  state.evals.push({ step: state.step, loss });
  if (state.bestEval === null || loss < state.bestEval - options.minDelta) {
    state.bestEval = loss;
    state.evalsWithoutImprovement = 0;
    if (options.restoreBest && options.patience !== null) {
      context.best = { step: state.step, parameters: new Map(context.plan.trainable.map((name) => [name, store.get(name).slice()])) };
    }
  } else {
    state.evalsWithoutImprovement += 1;
  }
  return loss;
}

/** Puts the best evaluation's parameters back into the store; the step they came from, or undefined without a snapshot. */
function restoreBest({ options, store, best }: LoopContext): number | undefined {
  if (!options.restoreBest || best === null) return undefined;
  for (const [name, values] of best.parameters) store.get(name).set(values);
  return best.step;
}

function checkpoint({ options, plan, store, adam, state }: LoopContext): void {
  if (options.checkpointDir !== undefined) saveCheckpoint(options.checkpointDir, store, plan.trainable, adam, state);
}
