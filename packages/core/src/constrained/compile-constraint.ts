import { PlugboardError } from '../errors/plugboard-error.ts';
import type { Tokenizer } from '../hf/tokenizer.ts';
import { ConstraintSpecSchema } from './constraint-spec.ts';
import type { ConstraintSpec } from './constraint-spec.ts';
import { JsonRecognizer } from './json-recognizer.ts';
import { plainTokensWithin } from './plain-string-tokens.ts';
import type { OutputMode, RecognizerState } from './json-recognizer.ts';
import { compileSchema, makeNode, utf8Bytes } from './schema-node.ts';
import type { NodeIds, SchemaNode } from './schema-node.ts';
import { TOOL_CALL_CLOSE, TOOL_CALL_OPEN } from './tool-call-tags.ts';
import { tokenVocabulary } from './token-vocabulary.ts';
import type { TokenVocabulary } from './token-vocabulary.ts';

/** Most allowed-id entries one constraint keeps cached (a full-vocab mask of Qwen is ~150k): about 16 MB. */
const MASK_CACHE_IDS = 4_000_000;
/** Compiled constraints kept per tokenizer. */
const CONSTRAINTS_PER_TOKENIZER = 16;

/**
 * A constraint compiled against one tokenizer: the recognizer, the token trie,
 * and the allowed-token sets of the states seen so far (shared by every row
 * and every generation that uses the same spec).
 */
export class CompiledConstraint {
  private readonly masks = new Map<string, Int32Array>();
  private cachedIds = 0;
  private readonly scratch: Int32Array;

  constructor(
    readonly recognizer: JsonRecognizer,
    readonly vocabulary: TokenVocabulary,
    /** milliseconds to compile the schema (the vocabulary is built once per tokenizer, see `vocabulary.buildMs`) */
    readonly compileMs: number,
  ) {
    this.scratch = new Int32Array(vocabulary.size);
  }

  /** The text tokens whose every byte keeps `state` a valid prefix (end tokens are not among them). */
  allowedIds(state: RecognizerState): Int32Array {
    const key = this.recognizer.keyOf(state);
    const hit = key === null ? undefined : this.masks.get(key);
    if (hit !== undefined) return hit;
    const step = (s: RecognizerState, b: number) => this.recognizer.step(s, b);
    // inside a string, plain tokens need no walk: those that fit the string's remaining length, then the others walked
    const capacity = this.recognizer.plainStringCapacity(state);
    let count: number;
    if (capacity === null) count = this.vocabulary.trie.collect(state, step, this.scratch);
    else {
      const { plain, nonPlainTrie } = this.vocabulary;
      const fitting = plainTokensWithin(plain, capacity);
      this.scratch.set(plain.ids.subarray(0, fitting));
      count = fitting + nonPlainTrie.collect(state, step, this.scratch.subarray(fitting));
    }
    const ids = this.scratch.slice(0, count);
    if (key !== null) {
      if (this.cachedIds + count > MASK_CACHE_IDS) {
        this.masks.clear();
        this.cachedIds = 0;
      }
      this.masks.set(key, ids);
      this.cachedIds += count;
    }
    return ids;
  }
}

const compiledByTokenizer = new WeakMap<object, Map<string, CompiledConstraint>>();

/**
 * Compiles `spec` for `tokenizer`, or returns the compiled constraint cached
 * for an equal spec. Throws INVALID_ARGUMENT for a malformed spec and
 * UNSUPPORTED_FEATURE (naming the keyword) for a schema it cannot compile.
 */
export function compileConstraint(spec: ConstraintSpec, tokenizer: Tokenizer): CompiledConstraint {
  const parsed = ConstraintSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlugboardError('INVALID_ARGUMENT', `constraint is invalid at "${issue?.path.join('.')}": ${issue?.message}; see ConstraintSpecSchema`, {
      cause: parsed.error,
    });
  }
  let byKey = compiledByTokenizer.get(tokenizer);
  if (byKey === undefined) compiledByTokenizer.set(tokenizer, (byKey = new Map()));
  const key = JSON.stringify(parsed.data);
  const cached = byKey.get(key);
  if (cached !== undefined) {
    byKey.delete(key);
    byKey.set(key, cached); // most recently used last
    return cached;
  }
  const vocabulary = tokenVocabulary(tokenizer);
  const started = performance.now();
  const recognizer = new JsonRecognizer({ ...recognizerInput(parsed.data), openTag: utf8Bytes(TOOL_CALL_OPEN), closeTag: utf8Bytes(TOOL_CALL_CLOSE) });
  const compiled = new CompiledConstraint(recognizer, vocabulary, performance.now() - started);
  if (byKey.size >= CONSTRAINTS_PER_TOKENIZER) byKey.delete(byKey.keys().next().value as string);
  byKey.set(key, compiled);
  return compiled;
}

type ParsedSpec = ReturnType<typeof ConstraintSpecSchema.parse>;

function recognizerInput(spec: ParsedSpec): { mode: OutputMode; value: SchemaNode; maxCalls?: number } {
  const ids: NodeIds = { next: 0 };
  if (spec.type === 'json_schema') return { mode: 'json', value: compileSchema(spec.schema, ids) };
  const { tools, toolChoice } = spec;
  if (toolChoice === 'none') return { mode: 'none', value: makeNode(ids, { kind: 'literal', texts: ['null'] }) };
  const names = tools.map((t) => t.name);
  if (tools.length === 0) throw new PlugboardError('INVALID_ARGUMENT', `tool choice ${JSON.stringify(toolChoice)} needs at least one tool; pass tools or use toolChoice "none"`);
  const chosen = typeof toolChoice === 'object' ? tools.filter((t) => t.name === toolChoice.name) : tools;
  if (chosen.length === 0) {
    throw new PlugboardError('INVALID_ARGUMENT', `tool choice names "${(toolChoice as { name: string }).name}", which is not among the tools (${names.join(', ')})`);
  }
  // {"name": <the tool's name>, "arguments": <its parameters>}, one object per tool
  const bodies = chosen.map((tool) =>
    makeNode(ids, {
      kind: 'object',
      extra: null,
      properties: [
        { name: 'name', key: utf8Bytes('"name"'), required: true, value: makeNode(ids, { kind: 'literal', texts: [utf8Bytes(JSON.stringify(tool.name))] }) },
        { name: 'arguments', key: utf8Bytes('"arguments"'), required: true, value: compileSchema(tool.parameters, ids) },
      ],
    }),
  );
  const value = bodies.length === 1 ? (bodies[0] as SchemaNode) : makeNode(ids, { kind: 'union', options: bodies });
  return { mode: toolChoice === 'auto' ? 'auto' : toolChoice === 'required' ? 'required' : 'named', value, maxCalls: spec.maxCalls };
}
