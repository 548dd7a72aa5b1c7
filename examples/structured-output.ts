// Run: pnpm exec tsx examples/structured-output.ts
import { loadModel } from '@plugboard/core';
import { TINY_SHAPES, ensureFixtureModel } from '@plugboard/core/testing';
import { PlugboardChatModel } from '@plugboard/router';
import { scriptedBackend } from '@plugboard/router/testing';
import { z } from 'zod';

const { dir } = ensureFixtureModel('.cache/models/quickstart', { ...TINY_SHAPES, architecture: 'qwen2' });
const model = await loadModel(dir);
// A random model cannot write JSON on its own: until a trained assistant ships, a script under the
// LocalBackend supplies the text one would emit (prompt rendering and parsing stay real).
// On a real model: const backend = new LocalBackend({ model }) (base model; add bank and skills for skills).
const { backend } = scriptedBackend({ model }, [
  '<tool_call>\n{"name": "extract", "arguments": {"name": "Ann", "age": 3}}\n</tool_call>',
  '{"name": "Bo", "age": 40}',
]);
const chat = new PlugboardChatModel({ backend, temperature: 0, maxTokens: 64 });

const Person = z.object({ name: z.string(), age: z.number().int() }).describe('A person.');
// default method "functionCalling": one forced tool call, arguments checked by the zod schema
const ann = await chat.withStructuredOutput(Person).invoke('Ann is three years old.');
// method "jsonSchema": a JSON reply; includeRaw keeps the AIMessageChunk beside the parsed value
const bo = await chat.withStructuredOutput(Person, { method: 'jsonSchema', includeRaw: true }).invoke('Bo is forty.');
console.log(`ann: ${JSON.stringify(ann)}; bo: ${JSON.stringify(bo.parsed)}; constrained: ${bo.raw.response_metadata.constrained}`);
await model.dispose();
