import type { ModelConfig, Quantization, WeightSource } from '@plugboard/core';
import { sequentialBatches } from '../data/batch-order.ts';
import { packExamples } from '../data/pack-rows.ts';
import type { TokenizedExample } from '../data/tokenize-example.ts';
import type { GraphMethod } from '../model/graph-method.ts';
import { TRAINING_OUTPUTS, buildTrainingGraph } from '../model/training-graph.ts';
import { batchFeeds } from './batch-feeds.ts';
import { GraphRunner } from './graph-runner.ts';
import type { ParameterStore } from './parameter-store.ts';

/**
 * Share of examples whose every learned token is the model's argmax given the
 * true prefix. Under teacher forcing that is exactly "greedy decoding from the
 * prompt reproduces the completion (and its eos)", in one forward per batch.
 */
export async function exactMatchAccuracy(
  config: ModelConfig,
  method: GraphMethod,
  store: ParameterStore,
  examples: readonly TokenizedExample[],
  shape: { batch: number; sequence: number },
  /** a frozen quantized base (its projections are not in `store`) */
  quantizedBase?: { quantization: Quantization; weights: WeightSource },
): Promise<number> {
  if (examples.length === 0) return 0;
  const { graph } = buildTrainingGraph(config, { ...shape, method, logits: true, quantization: quantizedBase?.quantization ?? null }, quantizedBase?.weights);
  const runner = await GraphRunner.open(graph);
  const rows = examples.map((example) => packExamples([example], shape.sequence)[0]).filter((row) => row !== undefined);
  const vocab = config.vocabSize;
  let correct = 0;
  try {
    for (const batch of sequentialBatches(rows, shape.batch, shape.sequence)) {
      const out = await runner.run({ ...store.feeds(), ...batchFeeds(batch) }, [TRAINING_OUTPUTS.logits]);
      const logits = out.get(TRAINING_OUTPUTS.logits) as Float32Array;
      for (let r = 0; r < batch.batch; r++) {
        let learned = 0;
        let allRight = true;
        for (let t = 0; t < batch.sequence; t++) {
          const position = r * batch.sequence + t;
          if (batch.lossMask[position] === 0) continue;
          learned += 1;
          const row = logits.subarray(position * vocab, (position + 1) * vocab);
          let best = 0;
          for (let v = 1; v < vocab; v++) if ((row[v] as number) > (row[best] as number)) best = v;
          if (BigInt(best) !== batch.targets[position]) allRight = false;
        }
        if (learned > 0 && allRight) correct += 1;
      }
    }
  } finally {
    await runner.release();
  }
  return correct / rows.length;
}
