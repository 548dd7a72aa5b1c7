/**
 * pnpm eval:assistant [--limit N] [--base-limit N]
 *
 * Measures the shipped assistant on the held-out test sets (templates and
 * entity values never seen in training) and prints one JSON object; writes
 * examples/assistant/report/{eval.json,eval.md,skills.svg}.
 * - routing: top-1 accuracy on the test users' messages; OOS recall on greetings and out-of-scope questions;
 * - per skill: field-exact accuracy (score.ts) of the base model alone, of the skill itself, and of the routed assistant;
 *   `oracle_routed` is the skill run through the same agent loop with every step routed to it, which is how `own` is measured;
 *   `own_fields` / `routed_fields`: the share of those checks passed one by one (a tool argument, a JSON field, the citation);
 * - RAG: recall@3 of the section that holds the answer;
 * - tool calls: the share that parsed and validated under constrained decoding;
 * - step latency: route, adapter swap, TTFT after a skill switch (prefix reused) vs fresh, decode speed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChatMessage } from '@plugboard/core';
import { LocalBackend, createAgent, toolSpecs } from '@plugboard/router';
import type { Agent } from '@plugboard/router';
import { AGENT_SYSTEM_PROMPT, SHIPPED, SKILL_PROMPTS } from './assistant-files.ts';
import { loadAssistant } from './assistant.ts';
import type { Assistant } from './assistant.ts';
import { FixedRouter } from './fixed-router.ts';
import { scoreTask } from './score.ts';
import type { TaskScore } from './score.ts';
import { SKILL_NAMES } from './tasks/task-example.ts';
import type { SkillName, TaskExample } from './tasks/task-example.ts';
import { assistantTools } from './tools.ts';
import { citationOf } from '@plugboard/skills';
import { barChartSvg } from './bar-chart-svg.ts';

const { values: flags } = parseArgs({ options: { limit: { type: 'string', default: '60' }, 'base-limit': { type: 'string', default: '20' } } });
const limit = Number(flags.limit);
const baseLimit = Number(flags['base-limit']);

function testSet(name: string): TaskExample[] {
  return readFileSync(join(SHIPPED.testSets, `${name}.test.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TaskExample);
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** the share of single checks passed over a set (fields pooled, not averaged per example) */
const fieldShare = (scores: readonly TaskScore[]) => sum(scores.map((s) => s.fields.right)) / sum(scores.map((s) => s.fields.total));
/** null where there was nothing to measure (a skill that calls no tool), so JSON shows it as such. */
const round = (x: number, digits = 3): number => (Number.isNaN(x) ? (null as unknown as number) : Number(x.toFixed(digits)));

async function runAll(agent: Agent, examples: readonly TaskExample[]): Promise<TaskScore[]> {
  const scores: TaskScore[] = [];
  for (const example of examples) {
    const result = await agent.run(example.user).result;
    scores.push(scoreTask(example, result));
  }
  return scores;
}

const assistant = await loadAssistant();
const tools = assistantTools(assistant.index);
const agentOn = (skill: string | null) => createAgent({ backend: assistant.backend, skills: assistant.registry, router: new FixedRouter(skill), tools, systemPrompt: AGENT_SYSTEM_PROMPT, generation: { temperature: 0, maxTokens: 120 }, maxSteps: 4 });

// routing, on every test message
const sets = Object.fromEntries([...SKILL_NAMES, 'smalltalk'].map((name) => [name, testSet(name)])) as Record<SkillName | 'smalltalk', TaskExample[]>;
const routeTimes: number[] = [];
const routeOf = async (text: string) => {
  const t = performance.now();
  const decision = await assistant.router.route(text);
  routeTimes.push((performance.now() - t) * 1000);
  return decision.route;
};
let inScopeRight = 0;
let inScope = 0;
for (const skill of SKILL_NAMES) {
  for (const e of sets[skill]) {
    inScope++;
    if ((await routeOf(e.user)) === skill) inScopeRight++;
  }
}
let oosRejected = 0;
for (const e of sets.smalltalk) oosRejected += (await routeOf(e.user)) === null ? 1 : 0;

// retrieval
let recallAt3 = 0;
for (const e of sets.hr) {
  const hits = await assistant.index.search(e.user, { k: 3 });
  const cite = e.expected.skill === 'hr' ? e.expected.cite : '';
  recallAt3 += hits.some((h) => citationOf(h.source, h.position.headingPath) === cite) ? 1 : 0;
}

// task accuracy: base alone, own skill, routed assistant
const skills: Record<string, { base: number; own: number; routed: number; oracle_routed: number; own_fields: number; routed_fields: number; test_examples: number; tool_call_validity: number }> = {};
const allRoutedCalls: TaskScore[] = [];
for (const skill of SKILL_NAMES) {
  const examples = sets[skill].slice(0, limit);
  const own = await runAll(agentOn(skill), examples);
  const routed = await runAll(assistant.agent, examples);
  const base = await runAll(agentOn(null), examples.slice(0, baseLimit));
  allRoutedCalls.push(...routed);
  skills[skill] = {
    base: round(mean(base.map((s) => (s.correct ? 1 : 0)))),
    own: round(mean(own.map((s) => (s.correct ? 1 : 0)))),
    routed: round(mean(routed.map((s) => (s.correct ? 1 : 0)))),
    oracle_routed: round(mean(own.map((s) => (s.correct ? 1 : 0)))),
    own_fields: round(fieldShare(own)),
    routed_fields: round(fieldShare(routed)),
    test_examples: examples.length,
    tool_call_validity: round(mean(routed.filter((s) => s.toolCalls > 0).map((s) => (s.toolCallsValid ? 1 : 0)))),
  };
  console.error(`${skill}: ${JSON.stringify(skills[skill])}; e.g. ${own.find((s) => !s.correct)?.detail ?? '(all correct)'}`);
}
const smalltalk = await runAll(assistant.agent, sets.smalltalk.slice(0, limit));
const smalltalkRight = round(mean(smalltalk.map((s) => (s.correct ? 1 : 0))));
skills.base_fallback = { base: smalltalkRight, own: NaN, routed: smalltalkRight, oracle_routed: NaN, own_fields: NaN, routed_fields: round(fieldShare(smalltalk)), test_examples: smalltalk.length, tool_call_validity: NaN };

const latency = await stepLatency(assistant);
const report = {
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
  routing_accuracy: round(inScopeRight / inScope),
  oos_recall: round(oosRejected / sets.smalltalk.length),
  skills,
  retrieval_recall_at_3: round(recallAt3 / sets.hr.length),
  tool_call_validity: round(mean(allRoutedCalls.filter((s) => s.toolCalls > 0).map((s) => (s.toolCallsValid ? 1 : 0)))),
  step_latency: latency,
};
await assistant.dispose();
writeReport(report);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

/** Route and swap costs, and a step's TTFT after a skill switch (earlier turns reused from the KV cache) against the same prompt prefilled from scratch. */
async function stepLatency(a: Assistant) {
  const routeUs = [...routeTimes].sort((x, y) => x - y);
  const ids = SKILL_NAMES.map((name) => a.skills.adapters.adapterId(a.registry.get(name)));
  const swapUs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const lease = a.skills.bank.acquire(ids[i % ids.length] as string);
    swapUs.push((performance.now() - t) * 1000);
    lease.release();
  }
  const specs = toolSpecs(tools);
  const first: ChatMessage[] = [{ role: 'system', content: AGENT_SYSTEM_PROMPT }, { role: 'user', content: sets.it[0]?.user ?? 'VPN is down.' }, { role: 'system', content: SKILL_PROMPTS.it }];
  const warm = new LocalBackend({ model: a.skills.model, bank: a.skills.bank, skills: a.registry, constrainAutoToolCalls: true });
  const reply = await warm.generate({ messages: first, tools: specs, skill: 'it', sampling: { temperature: 0, maxTokens: 60 } }).result;
  const second: ChatMessage[] = [...first, reply.message, { role: 'user', content: sets.contracts[0]?.user ?? '' }, { role: 'system', content: SKILL_PROMPTS.contracts }];
  const switched = await warm.generate({ messages: second, tools: specs, skill: 'contracts', sampling: { temperature: 0, maxTokens: 80 } }).result;
  const fresh = await new LocalBackend({ model: a.skills.model, bank: a.skills.bank, skills: a.registry }).generate({ messages: second, tools: specs, skill: 'contracts', sampling: { temperature: 0, maxTokens: 80 } }).result;
  return {
    route_us: round(mean(routeUs), 1),
    route_us_p99: round(routeUs[Math.floor(routeUs.length * 0.99)] ?? 0, 1),
    swap_us: round(mean(swapUs), 1),
    ttft_ms_after_switch: round(switched.timings.ttftMs, 1),
    reused_tokens_after_switch: switched.usage.cachedTokens,
    ttft_ms_fresh: round(fresh.timings.ttftMs, 1),
    prompt_tokens: fresh.usage.promptTokens,
    decode_tokens_per_s: round(switched.timings.decodeTokensPerSecond, 1),
  };
}

function writeReport(r: typeof report): void {
  mkdirSync(SHIPPED.report, { recursive: true });
  writeFileSync(join(SHIPPED.report, 'eval.json'), `${JSON.stringify(r, null, 2)}\n`);
  const names = SKILL_NAMES as readonly string[];
  writeFileSync(
    join(SHIPPED.report, 'skills.svg'),
    barChartSvg({ title: 'Task accuracy on held-out templates and values', groups: names, series: [
      { name: 'base alone', values: names.map((n) => r.skills[n]?.base ?? 0) },
      { name: 'own skill', values: names.map((n) => r.skills[n]?.own ?? 0) },
      { name: 'routed assistant', values: names.map((n) => r.skills[n]?.routed ?? 0) },
    ] }),
  );
  const rows = names.map((n) => { const s = r.skills[n]!; return `| ${n} | ${s.base} | ${s.own} | ${s.routed} | ${s.own_fields} | ${s.routed_fields} | ${s.test_examples} | ${s.tool_call_validity} |`; });
  const l = r.step_latency;
  writeFileSync(
    join(SHIPPED.report, 'eval.md'),
    [
      '# Assistant eval (`pnpm eval:assistant`)',
      '',
      `Machine: ${r.machine.cpu}, ${r.machine.cores} cores. Test sets: held-out templates and entity values (see examples/assistant/README.md).`,
      '',
      '![task accuracy](skills.svg)',
      '',
      'All-or-nothing task accuracy (every field right), then the share of single fields right (a tool argument, a JSON field, the citation; see score.ts).',
      '',
      '| skill | base alone | own skill | routed | fields right, own skill | fields right, routed | test examples | tool-call validity |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Routing: top-1 ${r.routing_accuracy} on in-scope test messages, out-of-scope recall ${r.oos_recall}. Greetings/out of scope answered correctly by the base: ${r.skills.base_fallback?.routed}.`,
      `RAG: recall@3 of the answer's section ${r.retrieval_recall_at_3}. Tool calls that parsed and validated: ${r.tool_call_validity}.`,
      '',
      `Step latency: route ${l.route_us} µs (p99 ${l.route_us_p99}), adapter swap ${l.swap_us} µs, TTFT after a skill switch ${l.ttft_ms_after_switch} ms (${l.reused_tokens_after_switch} of ${l.prompt_tokens} prompt tokens reused) vs ${l.ttft_ms_fresh} ms fresh, decode ${l.decode_tokens_per_s} tok/s.`,
      '',
    ].join('\n'),
  );
}
