/**
 * pnpm demo [--chat]
 *
 * The shipped assistant on a scripted session: an HR question (handbook
 * search, cited answer), an IT fault (a ticket), an expense claim (a policy
 * check and a JSON verdict), a contract passage (JSON terms) and an
 * out-of-scope question (the base model declines). Every step prints the
 * routed skill, the adapter swap, tool calls and results, the answer and
 * timings. `--chat` runs the same assistant on your own messages, keeping the conversation.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { ChatMessage } from '@plugboard/core';
import type { AgentEvent } from '@plugboard/router';
import { loadAssistant } from './assistant.ts';
import type { Assistant } from './assistant.ts';

const { values: flags } = parseArgs({ options: { chat: { type: 'boolean', default: false } } });

const SCRIPT = [
  'Hi! How many weeks of parental leave does a new parent get?',
  'The VPN is down for the whole Lisbon office since this morning.',
  'I paid 62 EUR for a taxi in Porto, grade 2. Will it be refunded?',
  'Extract the key terms: This agreement is made between Acme Robotics GmbH and Northwave Freight BV. It takes effect on 1 June 2026. The term is 24 months. Either party may terminate it with 60 days of written notice. It is governed by the laws of Ireland.',
  'What is the capital of Peru?',
];

const dim = (text: string) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text);
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const short = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}…` : text).replace(/\n/g, ' ');

function describe(event: AgentEvent): string | null {
  switch (event.type) {
    case 'route':
      return `  route → ${bold(event.skill ?? 'base')} (${event.reason}, confidence ${event.confidence.toFixed(2)})`;
    case 'adapter:swap':
      return `  swap  ${event.fromSkill ?? 'base'} → ${event.toSkill ?? 'base'} (slot ${event.slot})`;
    case 'tool:call':
      return `  tool  ${event.name}(${JSON.stringify(event.args)})`;
    case 'tool:result':
      return `  ${event.ok ? 'ok' : 'error'}    ${dim(short(event.content))} ${dim(`(${event.ms.toFixed(1)} ms)`)}`;
    case 'error':
      return `  error ${event.code}: ${event.message}`;
    default:
      return null;
  }
}

/** Runs one user turn on the running conversation and prints every step; returns the transcript to continue from. */
async function turn(assistant: Assistant, history: ChatMessage[], text: string): Promise<ChatMessage[]> {
  console.log(`\n${bold('user')}  ${text}`);
  const started = performance.now();
  const run = assistant.agent.run([...history, { role: 'user', content: text }]);
  for await (const event of run) {
    const line = describe(event);
    if (line !== null) console.log(line);
  }
  const result = await run.result;
  for (const step of result.steps) {
    console.log(dim(`  step ${step.step}: ${step.usage.promptTokens} prompt tokens (${step.usage.cachedTokens} from the KV cache), ${step.usage.completionTokens} generated`));
  }
  console.log(`${bold('answer')} ${result.answer}`);
  console.log(dim(`  ${result.steps.length} step(s) in ${(performance.now() - started).toFixed(0)} ms`));
  return result.messages;
}

const loadStarted = performance.now();
const assistant = await loadAssistant();
const skills = assistant.registry.list().map((s) => `${s.manifest.name} (${s.manifest.adapter.kind})`);
console.log(dim(`loaded the base and ${skills.length} skills [${skills.join(', ')}] in ${(performance.now() - loadStarted).toFixed(0)} ms`));
try {
  let history: ChatMessage[] = [];
  if (flags.chat) {
    const lines = createInterface({ input: process.stdin, terminal: process.stdin.isTTY === true, prompt: '> ' });
    if (process.stdin.isTTY) lines.prompt();
    for await (const line of lines) {
      if (line.trim() === '/quit') break;
      if (line.trim() === '/reset') history = [];
      else if (line.trim() !== '') history = await turn(assistant, history, line.trim());
      if (process.stdin.isTTY) lines.prompt();
    }
  } else {
    // each task is its own run, as the eval measures them; the shared prefix (system prompt, tools) still comes from the KV cache
    for (const text of SCRIPT) await turn(assistant, [], text);
  }
} finally {
  await assistant.dispose();
}
