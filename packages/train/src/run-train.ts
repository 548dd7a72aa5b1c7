import { basename } from 'node:path';
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

export interface RunTrainArgs {
  /** Hugging Face base model folder */
  base: string;
  /** JSONL of {"prompt","completion"} or {"messages"} */
  data: string;
  method: MethodOptionsInput;
  options: TrainOptionsInput;
  out: string;
  resumeFrom?: string;
  heldOutFraction?: number;
  onProgress?: (progress: TrainProgress) => void;
  signal?: AbortSignal;
}

/**
 * What `plugboard train` runs: read and validate the whole data file first,
 * train on the base folder's weights, write the adapter (PEFT for lora/lisa)
 * or the dense model, metrics and loss curve to `out`.
 */
export async function runTrain(args: RunTrainArgs): Promise<TrainResult> {
  const config = readModelConfig(args.base);
  const sequence = args.options.sequence ?? 128;
  // before the data is read and tokenized: the cheapest refusal first
  checkTrainOptionsFitModel({ sequence }, config);
  const examples = readJsonlExamples(args.data);
  const tokenizer = loadTokenizer(args.base);
  const needsTemplate = examples.some((e) => 'messages' in e);
  const chatTemplate: ChatTemplate | undefined = needsTemplate ? loadChatTemplate(args.base) : undefined;
  const data = prepareTrainingData(examples, { tokenizer, chatTemplate }, { sequence, seed: args.options.seed ?? 0, heldOutFraction: args.heldOutFraction });
  const weights = openWeights(args.base);
  try {
    const result = await train({
      config,
      base: weights,
      data,
      method: args.method,
      options: { ...args.options, sequence },
      resumeFrom: args.resumeFrom,
      onProgress: args.onProgress,
      signal: args.signal,
    });
    writeTrainingOutput(args.out, config, result, { baseModelDir: args.base, baseModelName: basename(args.base) });
    return result;
  } finally {
    weights.close();
  }
}
