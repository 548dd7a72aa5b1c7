import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import { JsonRecognizer } from './json-recognizer.ts';
import type { OutputMode } from './json-recognizer.ts';
import { compileSchema, utf8Bytes } from './schema-node.ts';

const json = (schema: unknown) => new JsonRecognizer({ mode: 'json', value: compileSchema(schema) });

/** 'complete' | 'prefix' (valid so far) | 'rejected' */
function verdict(recognizer: JsonRecognizer, text: string): 'complete' | 'prefix' | 'rejected' {
  const state = recognizer.advance(recognizer.start(), utf8Bytes(text));
  if (state === null) return 'rejected';
  return recognizer.canEnd(state) ? 'complete' : 'prefix';
}

const WEATHER = z.toJSONSchema(
  z.object({
    city: z.string().min(2).max(5),
    days: z.number().int().min(1).max(14).optional(),
    unit: z.enum(['c', 'f']),
    tags: z.array(z.string()).max(2),
    note: z.string().nullable(),
  }),
);

describe('JsonRecognizer: a zod object schema', () => {
  const r = json(WEATHER);
  it('accepts valid documents as complete, with bounded whitespace', () => {
    for (const text of [
      '{"city":"Oslo","days":3,"unit":"c","tags":[],"note":null}',
      '{"city": "Oslo", "unit": "f", "tags": ["a", "b"], "note": "é 🙂"}',
      '{ "city":"ab","days":14,"unit":"c","tags":["x"],"note":"\\u00e9\\n"}',
    ]) {
      expect(verdict(r, text), text).toBe('complete');
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('accepts prefixes of valid documents as prefixes', () => {
    const doc = '{"city": "Oslo", "days": 12, "unit": "c", "tags": ["a"], "note": "x"}';
    for (let n = 0; n < doc.length; n += 1) expect(verdict(r, doc.slice(0, n)), doc.slice(0, n)).toBe('prefix');
  });

  it('rejects what breaks the schema at the first byte that breaks it', () => {
    for (const text of [
      '{"city":"O"}', // too short, then closed
      '{"city":"Osloxx', // maxLength 5
      '{"city":"Oslo","days":0', // below the minimum
      '{"city":"Oslo","days":15', // above the maximum
      '{"city":"Oslo","days":1.5', // not an integer
      '{"city":"Oslo","unit":"k', // not in the enum
      '{"city":"Oslo","unit":"c","tags":["a","b",', // maxItems 2
      '{"city":"Oslo","unit":"c","tags":[],"note":null,', // no more properties
      '{"unit":"c"', // city is required and comes first
      '{"city":"Oslo","unit":"c","extra"', // additionalProperties false
      '{"city":"Oslo"}', // missing required properties
      '{"city":"a\nb', // raw control character in a string
      '{"city":"\\x', // bad escape
      '{"city":"\\ud800', // lone surrogate escape
      '{  "city"', // two spaces: whitespace is bounded
      '{"city":"Oslo","days":01', // leading zero
    ]) {
      expect(verdict(r, text), text).toBe('rejected');
    }
  });

  it('counts string length in characters, and an astral character as two UTF-16 units (zod)', () => {
    const s = json({ type: 'string', maxLength: 3 });
    expect(verdict(s, '"éé🙂"')).toBe('rejected');
    expect(verdict(s, '"é🙂"')).toBe('complete');
    expect(verdict(s, '"\\n\\t\\""')).toBe('complete');
    // invalid UTF-8: a stray continuation byte, an overlong lead
    expect(s.advance(s.start(), '"\x80')).toBeNull();
    expect(s.advance(s.start(), '"\xc0\x80')).toBeNull();
  });
});

describe('JsonRecognizer: other schema shapes', () => {
  it('numbers: bounded digits, no exponent, exclusive bounds; complete at the root only once a digit is there', () => {
    const n = json({ type: 'number', exclusiveMinimum: 0, maximum: 10 });
    expect(verdict(n, '-')).toBe('rejected');
    expect(verdict(n, '0')).toBe('prefix');
    expect(verdict(n, '0.')).toBe('prefix');
    expect(verdict(n, '0.25')).toBe('complete');
    expect(verdict(n, '10')).toBe('complete');
    expect(verdict(n, '10.5')).toBe('rejected');
    expect(verdict(n, '1e3')).toBe('rejected');
    expect(verdict(json({ type: 'integer' }), '-12345678901234567')).toBe('rejected');
    expect(verdict(json({ type: 'integer' }), '-1234567890123456')).toBe('complete');
  });

  it('enum/const literals, anyOf and type lists, nested arrays with minItems', () => {
    expect(verdict(json({ enum: [1, 12, 'x'] }), '1')).toBe('complete');
    expect(verdict(json({ enum: [1, 12, 'x'] }), '12')).toBe('complete');
    expect(verdict(json({ enum: [1, 12, 'x'] }), '13')).toBe('rejected');
    expect(verdict(json({ const: { a: [1] } }), '{"a":[1]}')).toBe('complete');
    const u = json({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'integer' }, minItems: 1 }] });
    expect(verdict(u, '"hi"')).toBe('complete');
    expect(verdict(u, '[]')).toBe('rejected');
    expect(verdict(u, '[1, 2]')).toBe('complete');
    expect(verdict(json({ type: ['boolean', 'null'] }), 'null')).toBe('complete');
    expect(verdict(json({ type: ['boolean', 'null'] }), 'tru')).toBe('prefix');
    expect(verdict(json({ type: ['boolean', 'null'] }), '0')).toBe('rejected');
  });

  it('free objects and $ref into $defs (recursive)', () => {
    const tree = json({
      $defs: { node: { type: 'object', properties: { v: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['v'] } },
      $ref: '#/$defs/node',
    });
    expect(verdict(tree, '{"v":1,"kids":[{"v":2},{"v":3,"kids":[]}]}')).toBe('complete');
    expect(verdict(tree, '{"v":1,"kids":[{"kids":[]}]}')).toBe('rejected');
    const free = json({ type: 'object' });
    expect(verdict(free, '{"any key": [1, {"b": null}], "k2": "v"}')).toBe('complete');
    expect(verdict(free, '{"a" 1}')).toBe('rejected');
  });

  it('refuses keywords it cannot compile with UNSUPPORTED_FEATURE naming them, and ignores annotations', () => {
    for (const [schema, keyword] of [
      [{ type: 'string', pattern: '^a' }, 'pattern'],
      [{ type: 'string', format: 'email' }, 'format'],
      [{ type: 'object', properties: { a: { type: 'number', multipleOf: 2 } } }, 'multipleOf'],
      [{ allOf: [{ type: 'string' }] }, 'allOf'],
      [{ type: 'array', prefixItems: [{ type: 'string' }] }, 'prefixItems'],
      [{ $ref: 'https://example.com/s.json' }, '$ref'],
      [{ type: 'array', uniqueItems: true }, 'uniqueItems'],
    ] as const) {
      let caught: unknown;
      try {
        compileSchema(schema);
      } catch (error) {
        caught = error;
      }
      expect(isPlugboardError(caught, 'UNSUPPORTED_FEATURE'), keyword).toBe(true);
      expect((caught as Error).message).toContain(`"${keyword}"`);
    }
    expect(verdict(json({ type: 'string', title: 't', description: 'd', default: 'x', examples: ['y'] }), '"z"')).toBe('complete');
  });
});

describe('JsonRecognizer: tool-call markup', () => {
  const body = compileSchema({ type: 'object', properties: { name: { const: 'f' }, arguments: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false } }, required: ['name', 'arguments'] });
  const tools = (mode: OutputMode) => new JsonRecognizer({ mode, value: body, openTag: '<tool_call>', closeTag: '</tool_call>' });
  const call = '<tool_call>\n{"name": "f", "arguments": {"q": "x"}}\n</tool_call>';

  it('auto: free text, then a call whose body is constrained, then free text again', () => {
    const r = tools('auto');
    expect(verdict(r, 'Sure, let me look <tool')).toBe('complete');
    expect(verdict(r, `Sure. ${call} done`)).toBe('complete');
    expect(verdict(r, 'ok <tool_call>{"name": "g"')).toBe('rejected');
    expect(verdict(r, 'ok <tool_call>{"name": "f", "arguments": {"q": "x"}}')).toBe('prefix');
    // a string inside a call cannot spell the close tag; the escaped form is fine
    expect(verdict(r, '<tool_call>{"name": "f", "arguments": {"q": "</')).toBe('rejected');
    expect(verdict(r, `<tool_call>{"name": "f", "arguments": {"q": "<\\/tool_call>"}}</tool_call>`)).toBe('complete');
  });

  it('required: must open with a call, may chain calls; named: exactly one call; none: no call tag at all', () => {
    expect(verdict(tools('required'), 'Hi')).toBe('rejected');
    expect(verdict(tools('required'), '')).toBe('prefix');
    expect(verdict(tools('required'), call)).toBe('complete');
    expect(verdict(tools('required'), `${call}\n${call}`)).toBe('complete');
    expect(verdict(tools('named'), call)).toBe('complete');
    expect(verdict(tools('named'), `${call}\n`)).toBe('rejected');
    expect(verdict(tools('none'), 'text with <tool_cal and more')).toBe('complete');
    const two = (mode: OutputMode) => new JsonRecognizer({ mode, value: body, openTag: '<tool_call>', closeTag: '</tool_call>', maxCalls: 2 });
    expect(verdict(two('required'), `${call}${call}`)).toBe('complete');
    expect(verdict(two('required'), `${call}${call}\n`)).toBe('rejected');
    expect(verdict(two('auto'), `a ${call} b ${call} c <tool_call`)).toBe('complete');
    expect(verdict(two('auto'), `a ${call} b ${call} c <tool_call>`)).toBe('rejected');
    expect(verdict(tools('none'), 'text <tool_call>')).toBe('rejected');
  });
});
