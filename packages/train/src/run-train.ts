import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadChatTemplate, loadTokenizer, openWeights, readModelConfig } from '@plugboard/core';
import type { ChatTemplate } from '@plugboard/core';
import { readJsonlExamples } from './data/read-examples.ts';
import { prepareTrainingData } from './data/training-data.ts';
import type { MethodOptionsInput } from './methods/method-options.ts';
import { checkTrainOptionsFitModel } from './trainer/train-options.ts';
import type { TrainOptionsInput, TrainProgress } from './trainer/train-options.ts';
import type { TrainResult } from './trainer/trainer.ts';
import { train } from './trainer/trainer.ts';
import { writeTrainingOutput } from './trainer/write-training-output.ts';
import { checkSkillPackageTarget, writeSkillPackage } from './trainer/write-skill-package.ts';
import type { SkillPackageInput } from './trainer/write-skill-package.ts';
import { MethodOptionsSchema } from './methods/method-options.ts';
import type { MethodKind } from './methods/method-options.ts';
import type { SkillManifest } from '@plugboard/skills';

/** The methods that train an adapter, so their output is a skill package. */
const ADAPTER_METHODS: ReadonlySet<MethodKind> = new Set(['lora', 'lisa', 'adapter']);

export interface RunTrainResult extends TrainResult {
  /** the skill package's manifest; null when the run wrote a model folder or raw files, or was aborted */
  manifest: SkillManifest | null;
}

/**
 * Where a run's checkpoints go when no folder is named: under the cache
 * ($PLUGBOARD_CACHE_DIR or ~/.cache/plugboard), keyed by the output folder,
 * so they never ship inside the skill package and a rerun to the same --out resumes from them.
 */
export function defaultCheckpointDir(out: string): string {
  const root = process.env.PLUGBOARD_CACHE_DIR ?? join(homedir(), '.cache', 'plugboard');
  const key = createHash('sha256').update(resolve(out)).digest('hex').slice(0, 12);
  return join(root, 'checkpoints', `${basename(resolve(out))}-${key}`);
}

export interface RunTrainArgs {
  /** Hugging Face base model folder */
  base: string;
  /** JSONL of {"prompt","completion"} or {"messages"} */
  data: string;
  method: MethodOptionsInput;
  options: TrainOptionsInput;
  out: string;
  resumeFrom?: string;
  /**
   * adapter methods (lora, lisa, adapter): the manifest fields of the skill
   * package written at `out` (writeSkillPackage); `false` writes the raw
   * files instead (writeTrainingOutput). Methods that train the whole model
   * always write a model folder.
   */
  skill?: SkillPackageInput | false;
  heldOutFraction?: number;
  onProgress?: (progress: TrainProgress) => void;
  /** what the run goes on with but the user should know (examples cut at --sequence), before the first step */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * What `plugboard train` runs: read and validate the whole data file first,
 * train on the base folder's weights, then write a skill package to `out`
 * (adapter methods; see writeSkillPackage) or the dense model folder with its
 * metrics and loss curve (full, lisa-sampling).
 */
export async function runTrain(args: RunTrainArgs): Promise<RunTrainResult> {
  const config = readModelConfig(args.base);
  const sequence = args.options.sequence ?? 128;
  // before the data is read and tokenized: the cheapest refusal first
  checkTrainOptionsFitModel({ sequence }, config);
  const method = MethodOptionsSchema.parse(args.method);
  const skill = args.skill === false || !ADAPTER_METHODS.has(method.kind) ? null : (args.skill ?? {});
  if (skill !== null) checkSkillPackageTarget(args.out, skill);
  const examples = readJsonlExamples(args.data);
  const tokenizer = loadTokenizer(args.base);
  const needsTemplate = examples.some((e) => 'messages' in e);
  const chatTemplate: ChatTemplate | undefined = needsTemplate ? loadChatTemplate(args.base) : undefined;
  const data = prepareTrainingData(examples, { tokenizer, chatTemplate }, { sequence, seed: args.options.seed ?? 0, heldOutFraction: args.heldOutFraction });
  const cut = data.truncated;
  if (cut.learnedTokensCut > 0) {
    const share = ((100 * cut.learnedTokensCut) / cut.learnedTokens).toFixed(1);
    args.onWarning?.(`${cut.examples} of ${examples.length} examples are longer than --sequence ${sequence} + 1 tokens (the longest has ${cut.longest}); ${cut.learnedTokensCut} of their learned tokens (${share} %) are cut off their ends: raise --sequence to ${cut.longest - 1}`);
  }
  const weights = openWeights(args.base);
  try {
    const result = await train({
      config,
      base: weights,
      data,
      method,
      options: { ...args.options, sequence },
      resumeFrom: args.resumeFrom,
      onProgress: args.onProgress,
      signal: args.signal,
    });
    const baseModelName = basename(resolve(args.base));
    const baseFingerprint = weights.fingerprint();
    if (skill === null) {
      writeTrainingOutput(args.out, config, result, { baseModelDir: args.base, baseModelName, baseFingerprint });
      return { ...result, manifest: null };
    }
    // an aborted run keeps its checkpoint; only a finished training becomes a package
    if (result.stopReason === 'aborted') return { ...result, manifest: null };
    const manifest = writeSkillPackage(args.out, config, result, { ...skill, baseModelName, baseFingerprint, examples });
    return { ...result, manifest };
  } finally {
    weights.close();
  }
}
