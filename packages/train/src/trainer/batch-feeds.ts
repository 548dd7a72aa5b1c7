import { TRAINING_INPUTS } from '../model/training-graph.ts';
import type { TokenBatch } from '../data/token-batch.ts';
import { floatTensor, int64Tensor } from './ort-tensors.ts';
import type { OrtFeeds } from './ort-tensors.ts';

export function batchFeeds(batch: TokenBatch): OrtFeeds {
  const dims = [batch.batch, batch.sequence];
  return {
    [TRAINING_INPUTS.inputIds]: int64Tensor(batch.inputIds, dims),
    [TRAINING_INPUTS.targets]: int64Tensor(batch.targets, dims),
    [TRAINING_INPUTS.lossMask]: floatTensor(batch.lossMask, dims),
    [TRAINING_INPUTS.segmentIds]: int64Tensor(batch.segmentIds, dims),
  };
}
