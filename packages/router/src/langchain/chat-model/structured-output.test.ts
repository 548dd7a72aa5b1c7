import { AIMessageChunk, HumanMessage } from '@langchain/core/messages';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { GeneratedToken, GenerationResult, TurnOptions } from '@plugboard/core';
import { useAgentFixture } from '../../agent/testing/use-agent-fixture.ts';
import { LocalBackend } from '../../backend/local/local-backend.ts';
import type { TokenSource } from '../../backend/local/token-source.ts';
import { scriptedBackend } from '../../testing/scripted-backend.ts';
import { ScriptedTokenSource } from '../../testing/scripted-token-source.ts';
import type { ScriptedTurn } from '../../testing/scripted-token-source.ts';
import { PlugboardChatModel } from './plugboard-chat-model.ts';

const handle = useAgentFixture('structured-output');

const Person = z.object({ name: z.string().describe('first name'), age: z.number().int().describe('age in years') }).describe('A person.');
const ANN = { name: 'Ann', age: 3 };
const call = (name: string, args: unknown) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

function scripted(turns: ScriptedTurn[]) {
  const { backend, script } = scriptedBackend({ ...handle.fixture, skills: handle.fixture.registry }, turns);
  return { script, model: new PlugboardChatModel({ backend, temperature: 0 }) };
}

/** A script under a backend that cannot decode constrained: a turn with a constraint is refused before its first token, as such a core refuses it. */
class RefusesConstraints implements TokenSource {
  readonly asked: (TurnOptions['constraint'] | undefined)[] = [];
  constructor(readonly script: ScriptedTokenSource) {}
  get lastTurn() {
    return this.script.lastTurn;
  }
  generate(prompt: string, options: TurnOptions): GenerationStream<GeneratedToken, GenerationResult[]> {
    this.asked.push(options.constraint);
    return options.constraint === undefined ? this.script.generate(prompt, options) : new GenerationStream(refused());
  }
}

async function* refused(): AsyncGenerator<GeneratedToken, GenerationResult[]> {
  throw new PlugboardError('UNSUPPORTED_FEATURE', 'constrained decoding is not available in this build');
}

describe('PlugboardChatModel.withStructuredOutput', () => {
  it('invoke() returns the parsed object (functionCalling, the default: one forced tool named "extract")', async () => {
    const { model, script } = scripted([call('extract', ANN)]);
    const person = await model.withStructuredOutput(Person).invoke([new HumanMessage('Ann is three.')]);
    expect(person).toEqual(ANN);
    expect(script.calls[0]?.prompt).toContain('"name": "extract"');
    expect(script.calls[0]?.prompt).toContain('A person.');
  });

  it('{ includeRaw: true } returns the raw AIMessageChunk beside the parsed object, and parsed null when it does not parse', async () => {
    const { model } = scripted([call('person', ANN), 'Ann is three.']);
    const structured = model.withStructuredOutput(Person, { name: 'person', includeRaw: true });
    const { raw, parsed } = await structured.invoke('Ann is three.');
    expect(parsed).toEqual(ANN);
    expect(raw).toBeInstanceOf(AIMessageChunk);
    expect(raw.tool_calls).toMatchObject([{ name: 'person', args: ANN }]);
    // output that does not parse can only come unconstrained (constrained decoding would have kept it a call)
    const unconstrained = model.withStructuredOutput(Person, { name: 'person', includeRaw: true, constrained: false });
    const missed = await unconstrained.invoke('Ann is three.');
    expect(missed.parsed).toBeNull();
    expect(missed.raw.text).toBe('Ann is three.');
    // without includeRaw a reply with no tool call rejects, it does not resolve to undefined
    const { model: plain } = scripted(['Ann is three.']);
    await expect(plain.withStructuredOutput(Person, { constrained: false }).invoke('Ann is three.')).rejects.toThrow('no "extract" tool call');
  });

  // unconstrained, so the script can also answer in a fenced block, as models without constrained decoding do
  it('method "jsonSchema" states the schema in the system turn and parses the JSON reply', async () => {
    const { model, script } = scripted([JSON.stringify(ANN), '```json\n{"name": "Bo", "age": 40}\n```']);
    const structured = model.withStructuredOutput(Person, { method: 'jsonSchema', name: 'person', constrained: false });
    expect(await structured.invoke([new HumanMessage('Ann is three.')])).toEqual(ANN);
    expect(script.calls[0]?.prompt).toContain('matches this JSON Schema ("person")');
    expect(script.calls[0]?.prompt).toContain('"age in years"');
    expect(await structured.invoke('Bo is forty.')).toEqual({ name: 'Bo', age: 40 });
  });

  it('accepts a plain JSON Schema, and stream() ends with the parsed object', async () => {
    const { model } = scripted([call('lookup', { city: 'Oslo' }), call('lookup', { city: 'Lima' })]);
    const schema = { title: 'lookup', type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    expect(await model.withStructuredOutput(schema).invoke('Oslo?')).toEqual({ city: 'Oslo' });
    let last: unknown;
    for await (const value of await model.withStructuredOutput(schema).stream('Lima?')) last = value;
    expect(last).toEqual({ city: 'Lima' });
  });

  it('rejects output that breaks the zod schema, and methods it does not have', async () => {
    const { model } = scripted([call('extract', { name: 'Ann', age: 'three' })]);
    await expect(model.withStructuredOutput(Person, { constrained: false }).invoke('Ann is three.')).rejects.toThrow(/age/);
    expect(() => model.withStructuredOutput(Person, { method: 'jsonMode' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"jsonSchema"') }));
  });

  it('traces ls_structured_output_format with the method and the JSON Schema', async () => {
    const { model } = scripted([call('extract', ANN), JSON.stringify(ANN)]);
    const formats: unknown[] = [];
    const callbacks = [{ handleChatModelStart: (_llm: unknown, _messages: unknown, _runId: string, _parent?: string, extra?: Record<string, unknown>) => void formats.push((extra?.options as Record<string, unknown>)?.ls_structured_output_format) }];
    await model.withStructuredOutput(Person).invoke('Ann is three.', { callbacks });
    await model.withStructuredOutput(Person, { method: 'jsonSchema' }).invoke('Ann is three.', { callbacks });
    expect(formats).toEqual([
      { kwargs: { method: 'functionCalling' }, schema: toJsonSchema(Person) },
      { kwargs: { method: 'jsonSchema' }, schema: toJsonSchema(Person) },
    ]);
  });

  it('asks generation for the constraint by default: the forced tool for functionCalling, the schema for jsonSchema; constrained: false turns it off', async () => {
    const { model, script } = scripted([call('extract', ANN), JSON.stringify(ANN), JSON.stringify(ANN)]);
    const raw = await model.withStructuredOutput(Person, { includeRaw: true }).invoke('Ann is three.');
    await model.withStructuredOutput(Person, { method: 'jsonSchema', name: 'person' }).invoke('Ann is three.');
    await model.withStructuredOutput(Person, { method: 'jsonSchema', constrained: false }).invoke('Ann is three.');
    const schema = toJsonSchema(Person);
    // tools go out as toolSpecs gives them: without the $schema dialect URI
    const { $schema: _dialect, ...toolParameters } = schema as Record<string, unknown>;
    expect(script.calls.map((c) => c.options.constraint)).toEqual([
      { type: 'tool_calls', tools: [{ name: 'extract', description: 'A person.', parameters: toolParameters }], toolChoice: { name: 'extract' } },
      { type: 'json_schema', schema, name: 'person' },
      undefined,
    ]);
    expect(raw.raw.response_metadata.constrained).toBe(true);
  });

  it('runs unconstrained where the backend has no constrained decoding, says so, and stops asking', async () => {
    const tokens = new RefusesConstraints(new ScriptedTokenSource(handle.fixture.model.tokenizer, [JSON.stringify(ANN), JSON.stringify(ANN)]));
    const model = new PlugboardChatModel({ backend: new LocalBackend({ ...handle.fixture, skills: handle.fixture.registry, tokens }), temperature: 0 });
    const structured = model.withStructuredOutput(Person, { method: 'jsonSchema', includeRaw: true });
    const first = await structured.invoke('Ann is three.');
    const second = await structured.invoke('Ann is three.');
    expect([first.parsed, second.parsed]).toEqual([ANN, ANN]);
    expect([first, second].map(({ raw }) => raw.response_metadata.constrained)).toEqual([false, false]);
    // the refused start ran nothing; later calls do not ask again
    expect(tokens.asked.map((c) => c?.type)).toEqual(['json_schema', undefined, undefined]);
    expect(tokens.script.calls).toHaveLength(2);
  });

  // bounded fields, so a value always completes within maxTokens (a value cut by maxTokens ends with finish "length")
  it('on the real tiny random model (no script), constrained structured output always parses and validates, both methods', async () => {
    const Bounded = z.object({ name: z.string().max(12), age: z.number().int().min(0).max(150) });
    const backend = new LocalBackend({ model: handle.fixture.model, bank: handle.fixture.bank, skills: handle.fixture.registry });
    const model = new PlugboardChatModel({ backend, temperature: 1, maxTokens: 96 });
    for (const method of ['functionCalling', 'jsonSchema'] as const) {
      const structured = model.withStructuredOutput(Bounded, { method, includeRaw: true });
      for (let i = 0; i < 4; i++) {
        const { raw, parsed } = await structured.invoke(`Describe person ${i}.`);
        expect(raw.response_metadata.constrained, method).toBe(true);
        expect(Bounded.safeParse(parsed).success, `${method}: ${JSON.stringify({ text: raw.text, calls: raw.tool_calls, invalid: raw.invalid_tool_calls, meta: raw.response_metadata })}`).toBe(true);
      }
    }
  });
});
