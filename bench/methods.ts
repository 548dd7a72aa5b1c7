/**
 * pnpm bench:methods [--sizes 100,300,1000] [--steps 100] [--limit 60] [--methods lora,adapter,lisa,lisa-adapter,full,lisa@int4]
 *
 * The seed's claims on a base that has learned something: the assistant's
 * `contracts` task (clause extraction to JSON, field-exact on held-out
 * templates and values) trained on the shipped acme-base with 100 / 300 /
 * 1,000 examples by dense LoRA, a bottleneck Adapter, LISA-LoRA and
 * LISA-over-Adapter (layers chosen by the gradient probe), full fine-tuning
 * as a reference, and LISA over the int4 base. Each row trains and evaluates
 * in its own process, so its peak RSS is its own. Prints
 * `{ rows: [{ method, examples, accuracy, trainable_params, peak_rss_mb, base_dtype, layers }] }`.
 * Needs the assistant (pnpm assistant:build, or the shipped files) and its data in .cache/assistant-build.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage, ModelDType } from '@plugboard/core';
import { loadModel, createAdapterBank } from '@plugboard/core';
import { LocalBackend, loadModelForSkills, toolSpecs } from '@plugboard/router';
import { SkillRegistry } from '@plugboard/skills';
import type { MethodOptionsInput } from '@plugboard/train';
import { runTrain } from '@plugboard/train';
import { AGENT_SYSTEM_PROMPT, BUILD_DIR, SHIPPED, SKILL_PROMPTS } from '../examples/assistant/src/assistant-files.ts';
import { openHandbookIndex } from '../examples/assistant/src/handbook-index.ts';
import { scoreTask } from '../examples/assistant/src/score.ts';
import type { TaskExample } from '../examples/assistant/src/tasks/task-example.ts';
import { assistantTools } from '../examples/assistant/src/tools.ts';
import { log, parseFlags, printResult, round } from './lib/bench-io.ts';
import { peakRssMb } from './lib/peak-rss.ts';

const flags = parseFlags(process.argv.slice(2));
const steps = Number(flags.steps ?? 100);
const limit = Number(flags.limit ?? 60);
const sizes = (flags.sizes ?? '100,300,1000').split(',').map(Number);
const methods = (flags.methods ?? 'lora,adapter,lisa,lisa-adapter,full,lisa@int4').split(',');

const lora = { rank: 16, alpha: 32, modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const };
const METHODS: Record<string, MethodOptionsInput> = {
  lora: { kind: 'lora', ...lora, modules: [...lora.modules] },
  adapter: { kind: 'adapter', width: 64 },
  lisa: { kind: 'lisa', ...lora, modules: [...lora.modules], topK: 3, probe: 'gradient' },
  'lisa-adapter': { kind: 'lisa', adapterKind: 'bottleneck', width: 64, topK: 3, probe: 'gradient' },
  full: { kind: 'full' },
};

interface Row {
  method: string;
  examples: number;
  accuracy: number;
  trainable_params: number;
  peak_rss_mb: number;
  base_dtype: ModelDType;
  layers: number[] | null;
  train_seconds: number;
}

/** One row, in this (child) process: train on the first `examples` contracts examples, then score the held-out test set. */
async function row(name: string, examples: number): Promise<Row> {
  const [method, dtype] = name.split('@') as [string, ModelDType | undefined];
  const baseDtype: ModelDType = dtype ?? 'fp32';
  const work = mkdtempSync(join(tmpdir(), 'bench-methods-'));
  try {
    const data = join(work, 'train.jsonl');
    writeFileSync(data, readFileSync(join(BUILD_DIR, 'contracts.train.jsonl'), 'utf8').trim().split('\n').slice(0, examples).join('\n') + '\n');
    const out = join(work, 'out');
    const started = performance.now();
    const result = await runTrain({
      base: SHIPPED.model,
      data,
      method: METHODS[method] as MethodOptionsInput,
      options: { steps, batch: 8, sequence: 288, schedule: { learningRate: method === 'full' ? 5e-4 : 2e-3, warmupSteps: 10 }, seed: 7, baseDtype },
      out,
      skill: method === 'full' ? false : { name: 'contracts', systemPrompt: SKILL_PROMPTS.contracts, tools: [] },
      heldOutFraction: 0.05,
    });
    const trainSeconds = (performance.now() - started) / 1000;
    const rss = peakRssMb();
    const accuracy = await evaluate(method === 'full' ? out : null, method === 'full' ? null : out, baseDtype);
    return { method: name, examples, accuracy: round(accuracy, 3), trainable_params: result.trainableParameters, peak_rss_mb: round(rss), base_dtype: baseDtype, layers: result.plan.importance?.selected ?? null, train_seconds: round(trainSeconds) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Field-exact accuracy on the contracts test set: greedy, the agent's prompt (tools and skill prompt included). */
async function evaluate(modelDir: string | null, skillDir: string | null, dtype: ModelDType): Promise<number> {
  const index = await openHandbookIndex();
  const tools = toolSpecs(assistantTools(index));
  index.close();
  const registry = new SkillRegistry();
  if (skillDir !== null) registry.add(skillDir);
  const loaded = skillDir !== null ? await loadModelForSkills(SHIPPED.model, registry, { dtype }) : null;
  const model = loaded?.model ?? (await loadModel(modelDir as string, { dtype }));
  const backend = new LocalBackend({ model, bank: loaded?.bank ?? createAdapterBank(model), skills: registry });
  const test = readFileSync(join(SHIPPED.testSets, 'contracts.test.jsonl'), 'utf8').trim().split('\n').slice(0, limit).map((l) => JSON.parse(l) as TaskExample);
  let correct = 0;
  for (const example of test) {
    const messages: ChatMessage[] = [{ role: 'system', content: AGENT_SYSTEM_PROMPT }, { role: 'user', content: example.user }, { role: 'system', content: SKILL_PROMPTS.contracts }];
    const reply = await backend.generate({ messages, tools, skill: skillDir === null ? null : 'contracts', sampling: { temperature: 0, maxTokens: 100 } }).result;
    if (scoreTask(example, { answer: reply.text, steps: [] }).correct) correct++;
  }
  await model.dispose();
  return correct / test.length;
}

if (flags.row !== undefined) {
  printResult(await row(flags.row, Number(flags.examples)));
} else {
  const rows: Row[] = [];
  for (const examples of sizes) {
    for (const method of methods) {
      const args = [...process.execArgv, process.argv[1] as string, '--row', method, '--examples', String(examples), '--steps', String(steps), '--limit', String(limit)];
      const output = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
      const result = JSON.parse(output.slice(output.indexOf('{'))) as Row;
      log(`${method} @ ${examples}: accuracy ${result.accuracy}, ${result.trainable_params} trainable, ${result.peak_rss_mb} MB, ${result.train_seconds} s`);
      rows.push(result);
    }
  }
  printResult({ task: 'contracts', steps, test_examples: limit, rows });
}
