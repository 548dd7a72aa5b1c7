/**
 * tsx bench/torch-parity/dump-gradients.ts --model DIR --data FILE.jsonl [--batch 8] [--sequence 512] --out DIR
 *
 * One training batch through our training graph: writes the batch's packed
 * rows (rows.json) and the loss and every base weight's gradient
 * (gradients.json) for compare.py to check against torch on the same weights.
 * A development check, not a test: torch is not a dependency.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadChatTemplate, loadTokenizer, openWeights, readModelConfig } from '@plugboard/core';
import { buildTrainingGraph, prepareTrainingData, readJsonlExamples } from '@plugboard/train';
import { allBaseParameterNames } from '../../packages/train/src/methods/layer-names.ts';
import { gradientName } from '../../packages/train/src/autodiff/differentiate.ts';
import { batchOfRows } from '../../packages/train/src/data/token-batch.ts';
import { batchFeeds } from '../../packages/train/src/trainer/batch-feeds.ts';
import { GradientSessions } from '../../packages/train/src/trainer/gradient-sessions.ts';
import { ParameterStore } from '../../packages/train/src/trainer/parameter-store.ts';

const { values } = parseArgs({
  options: { model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string', default: '8' }, sequence: { type: 'string', default: '512' } },
});
if (!values.model || !values.data || !values.out) throw new Error('--model, --data and --out are required');
const [batch, sequence] = [Number(values.batch), Number(values.sequence)];
const config = readModelConfig(values.model);
const examples = readJsonlExamples(values.data);
const data = prepareTrainingData(examples, { tokenizer: loadTokenizer(values.model), chatTemplate: loadChatTemplate(values.model) }, { sequence });
const rows = data.train.slice(0, batch);
const training = buildTrainingGraph(config, { batch, sequence, method: {} });
const store = new ParameterStore(training.parameters);
store.loadFrom(await openWeights(values.model));
const sessions = new GradientSessions(training);
const wrt = allBaseParameterNames(config);
const out = await (await sessions.forGradients(wrt)).run({ ...store.feeds(), ...batchFeeds(batchOfRows(rows, batch, sequence)) }, ['loss', ...wrt.map(gradientName)]);
await sessions.release();
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'rows.json'), JSON.stringify(rows));
writeFileSync(join(values.out, 'gradients.json'), JSON.stringify(Object.fromEntries([['loss', [...(out.get('loss') ?? [])]], ...wrt.map((n) => [n, [...(out.get(gradientName(n)) ?? [])]])])));
console.log(JSON.stringify({ loss: out.get('loss')?.[0], rows: rows.length, sequence, parameters: wrt.length }));
