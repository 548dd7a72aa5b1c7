import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHATML_COMPACT_TOOLS_TEMPLATE, ChatTemplate, SeededRandom, deriveSeed } from '@plugboard/core';
import type { ChatMessage, ToolSpec } from '@plugboard/core';
import { toolSpecs } from '@plugboard/router';
import { AGENT_SYSTEM_PROMPT, SHIPPED, SKILL_PROMPTS } from './assistant-files.ts';
import { openHandbookIndex, writeHandbook } from './handbook-index.ts';
import { SEARCH_TOOL_OPTIONS, assistantTools } from './tools.ts';
import { contractExamples, contractPassage } from './tasks/contracts.ts';
import { financeExamples } from './tasks/finance.ts';
import { hrExamples } from './tasks/hr.ts';
import { itExamples } from './tasks/it.ts';
import { copyingDrills, novelCopyingDrills } from './tasks/copying.ts';
import { companyDialogues, smalltalkExamples } from './tasks/smalltalk.ts';
import type { SkillName, TaskExample } from './tasks/task-example.ts';
import { SKILL_NAMES } from './tasks/task-example.ts';
import { searchDocs } from '@plugboard/skills';
import { handbookFiles } from './world/handbook.ts';
import { buildWorld } from './world/world.ts';
import type { World } from './world/world.ts';

/** Examples per skill: training (contracts: the LISA skill, ≤ 1,000) and held-out test. */
export const SIZES = { train: { hr: 1200, finance: 1200, it: 1200, contracts: 1000 }, test: 150, smalltalk: { train: 1200, test: 120 } } as const;

/** The transcript the agent builds for a task: its system prompt, the user, the skill's instructions, then the reference turns. */
export function taskTranscript(example: TaskExample): ChatMessage[] {
  const skillPrompt: ChatMessage[] = example.skill === null ? [] : [{ role: 'system', content: SKILL_PROMPTS[example.skill] }];
  return [{ role: 'system', content: AGENT_SYSTEM_PROMPT }, { role: 'user', content: example.user }, ...skillPrompt, ...example.reference];
}

function jsonl(rows: readonly unknown[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

export interface BuiltData {
  world: World;
  tools: ToolSpec[];
  files: {
    pretrain: string;
    /** the second pretraining stage: mostly copying drills, some of the corpus so the base keeps its language */
    copying: string;
    tokenizerCorpus: string;
    train: Record<SkillName, string>;
    routes: Record<SkillName, string>;
    outOfScope: string;
  };
  counts: Record<string, number>;
}

async function tasksFor(world: World, split: 'train' | 'test', search: (q: string) => Promise<string>) {
  const n = (skill: SkillName) => (split === 'train' ? SIZES.train[skill] : SIZES.test);
  return {
    hr: await hrExamples(world, split, n('hr'), search),
    finance: financeExamples(world, split, n('finance')),
    it: itExamples(world, split, n('it')),
    contracts: contractExamples(world, split, n('contracts')),
    smalltalk: smalltalkExamples(world, split, split === 'train' ? SIZES.smalltalk.train : SIZES.smalltalk.test),
  };
}

/**
 * Generates everything the build trains on and the eval tests on, from the
 * seeded world: the handbook (shipped), per-skill chat data with the agent's
 * tools, routing and out-of-scope texts, the pretraining corpus, the
 * tokenizer corpus, and the held-out test sets (shipped).
 */
export async function buildData(workDir: string, seed: number): Promise<BuiltData> {
  mkdirSync(workDir, { recursive: true });
  const world = buildWorld(seed);
  writeHandbook();
  const index = await openHandbookIndex();
  const search = (query: string) => searchDocs(index, { query }, SEARCH_TOOL_OPTIONS);
  const tools = toolSpecs(assistantTools(index));
  const train = await tasksFor(world, 'train', search);
  const test = await tasksFor(world, 'test', search);
  index.close();

  const trainFiles = {} as Record<SkillName, string>;
  const routeFiles = {} as Record<SkillName, string>;
  for (const skill of SKILL_NAMES) {
    trainFiles[skill] = join(workDir, `${skill}.train.jsonl`);
    writeFileSync(trainFiles[skill], jsonl(train[skill].map((e) => ({ tools, messages: taskTranscript(e) }))));
    routeFiles[skill] = join(workDir, `${skill}.routes.txt`);
    writeFileSync(routeFiles[skill], [...new Set(train[skill].map((e) => e.user))].slice(0, 200).join('\n') + '\n');
  }
  const outOfScope = join(workDir, 'out-of-scope.txt');
  writeFileSync(outOfScope, [...new Set(train.smalltalk.map((e) => e.user))].join('\n') + '\n');
  mkdirSync(SHIPPED.testSets, { recursive: true });
  for (const [name, examples] of Object.entries(test)) writeFileSync(join(SHIPPED.testSets, `${name}.test.jsonl`), jsonl(examples));

  const pretrainRows = pretrainingRows(world, seed, train, tools);
  const pretrain = join(workDir, 'pretrain.jsonl');
  writeFileSync(pretrain, jsonl(pretrainRows));
  const copying = join(workDir, 'copying.jsonl');
  writeFileSync(copying, jsonl(copyingStageRows(pretrainRows, seed)));
  // the tokenizer learns from everything the model will read, as it will read it: the corpus and the skills'
  // transcripts rendered by the chat template the tokenizer will carry (tools block included)
  const tokenizerCorpus = join(workDir, 'tokenizer-corpus.txt');
  const template = new ChatTemplate(CHATML_COMPACT_TOOLS_TEMPLATE);
  const skillText = SKILL_NAMES.flatMap((skill) => train[skill].map((e) => template.render({ messages: taskTranscript(e), tools })));
  writeFileSync(tokenizerCorpus, [...pretrainRows.map(rowText), ...skillText].join('\n'));
  const counts = { pretrain_rows: pretrainRows.length, ...Object.fromEntries(Object.entries(train).map(([k, v]) => [`${k}_train`, v.length])), ...Object.fromEntries(Object.entries(test).map(([k, v]) => [`${k}_test`, v.length])) };
  return { world, tools, files: { pretrain, copying, tokenizerCorpus, train: trainFiles, routes: routeFiles, outOfScope }, counts };
}

type PretrainRow = { prompt: string; completion: string } | { tools?: ToolSpec[]; messages: ChatMessage[] };

function rowText(row: PretrainRow): string {
  return 'completion' in row ? row.prompt + row.completion : row.messages.map((m) => m.content ?? '').join('\n');
}

/**
 * The base model's pretraining: the handbook (many times: it is small),
 * a staff directory, the language of the tasks (training users' messages and
 * contract passages, never an answer), dialogues in the chat template —
 * greetings, declined out-of-scope questions, company facts; a fifth carry
 * the agent's tools in the system prompt, as every step at inference does —
 * and copying drills over made-up values, where copying is the only way to the answer.
 */
function pretrainingRows(world: World, seed: number, train: Awaited<ReturnType<typeof tasksFor>>, tools: ToolSpec[]): PretrainRow[] {
  const random = new SeededRandom(deriveSeed(seed, 'pretrain'));
  const prose: string[] = [];
  const handbook = Object.values(handbookFiles());
  for (let i = 0; i < 20; i++) prose.push(...handbook);
  for (const person of world.people.train) prose.push(`${person.name} works in ${person.department} at the ${person.city} office, grade ${person.grade}.`);
  for (let i = 0; i < 3000; i++) prose.push(contractPassage(world, 'train', random).text);
  for (const skill of ['hr', 'finance', 'it'] as const) prose.push(...train[skill].map((e) => e.user));
  const sentences = prose.flatMap((text) => text.split(/(?<=\.)\s+/)).filter((s) => s.length > 20 && !s.startsWith('#'));
  prose.push(...copyingDrills(sentences, 6000, seed));
  const dialogues: PretrainRow[] = [
    ...train.smalltalk.map((e) => ({ messages: [{ role: 'system', content: AGENT_SYSTEM_PROMPT }, { role: 'user', content: e.user }, ...e.reference] })),
    ...companyDialogues(world, 2000, seed).map((d) => ({ messages: [{ role: 'system', content: AGENT_SYSTEM_PROMPT }, { role: 'user', content: d.user }, { role: 'assistant', content: d.assistant }] })),
  ].map((row) => (random.nextFloat() < 0.2 ? { tools, ...row } : row));
  const drills = novelCopyingDrills(16000, seed, AGENT_SYSTEM_PROMPT);
  return random.shuffled([...prose.map((text) => ({ prompt: '', completion: text })), ...dialogues, ...drills]);
}

/**
 * The copying stage: 40,000 drills over made-up values (half of them plain
 * restating, which gets induction started) and 2,000 rows of the corpus. Mixed into the corpus at a third of the rows the drills are ~2 % of
 * the loss and the base never starts copying (0/40 on the copy probe after
 * 200 steps); here they are most of it.
 */
function copyingStageRows(pretrainRows: readonly PretrainRow[], seed: number): PretrainRow[] {
  const random = new SeededRandom(deriveSeed(seed, 'copying-stage'));
  const drills = novelCopyingDrills(40000, deriveSeed(seed, 'copying-stage-drills'), AGENT_SYSTEM_PROMPT, 0.5);
  return random.shuffled([...drills, ...random.shuffled(pretrainRows).slice(0, 2000)]);
}
