import type { Command } from 'commander';
import { inspectModel } from '@plugboard/core';
import { formatBytes } from '@plugboard/core';
import { modelArg } from '../model-arg.ts';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show a model folder: architecture, parameters, dtypes, memory')
    .argument('<dir|id>', 'Hugging Face model folder or hub id org/name[@revision]')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const info = inspectModel(await modelArg(dir));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      const c = info.config;
      const lines = [
        `model        ${dir}`,
        `architecture ${c.architecture}: ${c.numLayers} layers, hidden ${c.hiddenSize}, ${c.numHeads} heads / ${c.numKvHeads} KV heads (head dim ${c.headDim}), intermediate ${c.intermediateSize}, vocab ${c.vocabSize}`,
        `             rope theta ${c.ropeTheta}, context ${c.maxPositionEmbeddings}, ${c.tieWordEmbeddings ? 'tied' : 'separate'} LM head${c.attentionBias ? ', q/k/v bias' : ''}${c.qkNorm ? ', q/k norm' : ''}${c.slidingWindow ? `, sliding window ${c.slidingWindow}` : ''}`,
        `parameters   ${(info.parameters / 1e6).toFixed(2)} M (${Object.entries(info.dtypes).map(([d, n]) => `${d} ${(n / 1e6).toFixed(2)} M`).join(', ')})`,
        `on disk      ${formatBytes(info.storedBytes)}`,
        `memory       fp32 ${formatBytes(info.memoryBytes.fp32)}, int8 ${formatBytes(info.memoryBytes.int8)}, int4 ${formatBytes(info.memoryBytes.int4)}`,
        `KV cache     ${formatBytes(info.kvBytesPerToken)} per token`,
        `fingerprint  ${info.weightsFingerprint}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
