import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildFixtureTokenizerConfig, buildFixtureTokenizerJson } from '../fixtures/fixture-tokenizer.ts';
import { createTokenizer } from '../hf/tokenizer.ts';
import { compileConstraint } from './compile-constraint.ts';
import type { CompiledConstraint } from './compile-constraint.ts';
import type { ConstraintSpec } from './constraint-spec.ts';
import { ConstrainedRow } from './constrained-row.ts';
import type { RecognizerState } from './json-recognizer.ts';
import { utf8Bytes } from './schema-node.ts';

const VOCAB = 4096;
const tokenizer = createTokenizer(buildFixtureTokenizerJson(VOCAB, 1), buildFixtureTokenizerConfig(VOCAB));
const Args = z.object({ query: z.string().min(2).max(6), note: z.string(), k: z.number().int().min(1).max(5) });
const specs: ConstraintSpec[] = [
  { type: 'json_schema', schema: z.toJSONSchema(Args) },
  { type: 'tool_calls', tools: [{ name: 'search', parameters: z.toJSONSchema(Args) }], toolChoice: 'auto' },
];

/** The allowed set by brute force: every text token whose bytes the recognizer accepts from `state`. */
function bruteForce(compiled: CompiledConstraint, state: RecognizerState): number[] {
  const ids: number[] = [];
  compiled.vocabulary.bytes.forEach((bytes, id) => {
    if (bytes !== null && bytes.length > 0 && compiled.recognizer.advance(state, bytes) !== null) ids.push(id);
  });
  return ids;
}

const sorted = (ids: Int32Array) => [...ids].sort((a, b) => a - b);

describe('CompiledConstraint.allowedIds', () => {
  it('equals a brute-force check of every token, inside strings (plain-token shortcut) and out, cached or not', () => {
    for (const spec of specs) {
      const compiled = compileConstraint(spec, tokenizer);
      const prefix = spec.type === 'json_schema' ? '' : 'Sure <tool_call>{"name": "search", "arguments": ';
      const texts = ['{"query": "', '{"query": "ab', '{"query": "abcde', '{"query": "abcdef', '{"query": "a<', '{"query": "a\\', '{"query": "é', '{"query": "ab", "note": "x y ', '{"query": "ab", "note": "xx", "k": '];
      for (const text of texts) {
        const state = compiled.recognizer.advance(compiled.recognizer.start(), utf8Bytes(prefix + text));
        expect(state, text).not.toBeNull();
        const expected = bruteForce(compiled, state!);
        expect(expected.length).toBeGreaterThan(0);
        expect(sorted(compiled.allowedIds(state!)), text).toEqual(expected);
        expect(sorted(compiled.allowedIds(state!)), `${text} (cached)`).toEqual(expected);
      }
    }
  });

  it('caches compiled constraints per tokenizer and spec', () => {
    expect(compileConstraint(specs[0]!, tokenizer)).toBe(compileConstraint(structuredClone(specs[0]!), tokenizer));
    expect(compileConstraint(specs[0]!, tokenizer)).not.toBe(compileConstraint(specs[1]!, tokenizer));
  });

  it('a row allows end tokens only once the output is complete, and rejects a token its mask did not allow', () => {
    const compiled = compileConstraint({ type: 'json_schema', schema: { type: 'integer', minimum: 0, maximum: 99 } }, tokenizer);
    const row = new ConstrainedRow(compiled, tokenizer.eosTokenIds);
    expect(row.mask().endIds).toEqual([]);
    const seven = tokenizer.encode('7')[0]!;
    expect(row.mask().ids).toContain(seven);
    row.advance(seven);
    expect(row.mask().endIds).toEqual(tokenizer.eosTokenIds);
    expect(row.complete).toBe(false); // a second digit may follow
    row.advance(seven);
    expect(row.complete).toBe(true); // 77: a third digit would exceed 99
    expect(() => row.advance(tokenizer.encode('x')[0]!)).toThrow(/does not continue/);
  });

  it('the tool-call tag works as its one special token and as byte pieces alike', () => {
    const compiled = compileConstraint({ type: 'tool_calls', tools: [{ name: 'search', parameters: z.toJSONSchema(Args) }], toolChoice: 'required' }, tokenizer);
    const special = tokenizer.tokenToId('<tool_call>')!;
    const byteIds = [...'<tool_call>'].map((c) => tokenizer.tokenToId(c)!);
    const viaSpecial = new ConstrainedRow(compiled, tokenizer.eosTokenIds);
    expect(viaSpecial.mask().ids).toContain(special);
    expect(viaSpecial.mask().ids).toContain(byteIds[0]);
    viaSpecial.advance(special);
    const viaBytes = new ConstrainedRow(compiled, tokenizer.eosTokenIds);
    for (const id of byteIds) {
      expect(viaBytes.mask().ids).toContain(id);
      viaBytes.advance(id);
    }
    const open = tokenizer.tokenToId('{')!;
    expect(sorted(viaBytes.mask().ids)).toEqual(sorted(viaSpecial.mask().ids));
    expect(viaBytes.mask().ids).toContain(open);
    expect(viaBytes.mask().ids).not.toContain(tokenizer.tokenToId('x')!);
  });
});
