// examples/structured-output.ts — run: pnpm exec tsx examples/structured-output.ts
import { readFileSync } from 'node:fs';
import { PlugboardChatModel } from '@plugboard/router';
import { loadAssistant } from './assistant/src/assistant.ts';
import { ContractFieldsSchema } from './assistant/src/tasks/task-example.ts';

// a held-out contract passage from the assistant's test set (its wording and names were never trained on)
const [first] = readFileSync('examples/assistant/eval/contracts.test.jsonl', 'utf8').split('\n');
const { user: passage, expected } = JSON.parse(first as string) as { user: string; expected: { fields: unknown } };

const assistant = await loadAssistant(); // the shipped base, its four skills, the router, the tools
const chat = new PlugboardChatModel({ backend: assistant.backend, skills: assistant.registry, skill: 'contracts', temperature: 0, maxTokens: 120 });
// method "jsonSchema": the reply is decoded under the schema's token mask, so it always parses;
// includeRaw keeps the AIMessageChunk (skill, constrained, usage) beside the parsed value
const { parsed, raw } = await chat.withStructuredOutput(ContractFieldsSchema, { method: 'jsonSchema', name: 'contract', includeRaw: true }).invoke(passage);
console.log(`terms:    ${JSON.stringify(parsed)}`);
console.log(`expected: ${JSON.stringify(expected.fields)}`);
console.log(`skill: ${raw.response_metadata.skill}, constrained: ${raw.response_metadata.constrained}`);
await assistant.dispose();
