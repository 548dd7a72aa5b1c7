import { PlugboardError } from '../errors/plugboard-error.ts';

/** Inclusive/exclusive numeric bounds of a JSON Schema number. */
export interface NumberRange {
  min: number;
  minExclusive: boolean;
  max: number;
  maxExclusive: boolean;
}

export interface PropertyNode {
  name: string;
  /** the key as it appears in the output: JSON-encoded, UTF-8 bytes as a latin1 string */
  key: string;
  value: SchemaNode;
  required: boolean;
}

/**
 * A JSON Schema compiled to what the recognizer walks. Literal texts are the
 * UTF-8 bytes of canonical JSON, one byte per char (latin1), because the
 * recognizer reads token bytes.
 */
export type SchemaNode =
  /** declared properties in schema order; `extra` (keys of any name) only when there are none */
  | { kind: 'object'; id: number; properties: PropertyNode[]; extra: SchemaNode | null }
  | { kind: 'array'; id: number; items: SchemaNode; minItems: number; maxItems: number }
  | { kind: 'string'; id: number; minLength: number; maxLength: number }
  | { kind: 'number'; id: number; integer: boolean; range: NumberRange | null }
  | { kind: 'literal'; id: number; texts: string[] }
  | { kind: 'union'; id: number; options: SchemaNode[] };

type Schema = Record<string, unknown>;

/** Numbers the nodes of one grammar: the recognizer's cache keys name nodes by id. */
export interface NodeIds {
  next: number;
}

type NodeFields = SchemaNode extends infer N ? (N extends SchemaNode ? Omit<N, 'id'> : never) : never;

export function makeNode(ids: NodeIds, node: NodeFields): SchemaNode {
  return { ...node, id: ids.next++ } as SchemaNode;
}

/** Keywords that do not constrain the value: ignored. */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', '$schema', '$id', '$comment', 'deprecated', 'readOnly', 'writeOnly', '$defs', 'definitions']);
const KEYWORDS_BY_TYPE: Record<string, readonly string[]> = {
  object: ['properties', 'required', 'additionalProperties'],
  array: ['items', 'minItems', 'maxItems'],
  string: ['minLength', 'maxLength'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  boolean: [],
  null: [],
};
const VALUE_KEYWORDS = new Set(['type', 'enum', 'const', 'anyOf', 'oneOf', '$ref', ...Object.values(KEYWORDS_BY_TYPE).flat()]);

/** Encodes text as its UTF-8 bytes, one byte per char. */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function unsupported(keyword: string, path: string, why: string): PlugboardError {
  return new PlugboardError(
    'UNSUPPORTED_FEATURE',
    `JSON Schema keyword "${keyword}" at ${path} cannot be compiled into a token mask: ${why}; remove it (or validate it after generation)`,
    { details: { keyword, path } },
  );
}

/**
 * Compiles the JSON Schema subset tools and structured outputs use: type
 * (object/array/string/number/integer/boolean/null, or a list of them),
 * properties, required, additionalProperties, items, minItems/maxItems,
 * minLength/maxLength, minimum/maximum (exclusive too), enum, const,
 * anyOf/oneOf, and `$ref` into local `$defs`/`definitions`. Annotations
 * (title, description, default, examples, …) are ignored. Any other keyword
 * throws UNSUPPORTED_FEATURE naming it: a constraint is never silently dropped.
 */
export function compileSchema(root: unknown, ids: NodeIds = { next: 0 }): SchemaNode {
  const refs = new Map<string, SchemaNode>();
  let anyNode: SchemaNode | undefined;
  const make = (node: NodeFields) => makeNode(ids, node);

  const any = (): SchemaNode => {
    if (anyNode !== undefined) return anyNode;
    const union = make({ kind: 'union', options: [] }) as Extract<SchemaNode, { kind: 'union' }>;
    anyNode = union;
    union.options.push(
      make({ kind: 'object', properties: [], extra: union }),
      make({ kind: 'array', items: union, minItems: 0, maxItems: Infinity }),
      make({ kind: 'string', minLength: 0, maxLength: Infinity }),
      make({ kind: 'number', integer: false, range: null }),
      make({ kind: 'literal', texts: ['true', 'false', 'null'] }),
    );
    return union;
  };

  const resolveRef = (ref: unknown, path: string): SchemaNode => {
    const match = typeof ref === 'string' ? /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
    if (match === null) throw unsupported('$ref', path, `only local references "#/$defs/Name" are supported, got ${JSON.stringify(ref)}`);
    const cached = refs.get(ref as string);
    if (cached !== undefined) return cached;
    const defs = (root as Schema)[match[1]];
    const target = typeof defs === 'object' && defs !== null ? (defs as Schema)[match[2]] : undefined;
    if (target === undefined) throw unsupported('$ref', path, `${ref as string} is not defined`);
    // a placeholder filled in place, so recursive definitions point at it
    const placeholder = {} as SchemaNode;
    refs.set(ref as string, placeholder);
    return Object.assign(placeholder, compile(target, ref as string));
  };

  const compile = (schema: unknown, path: string): SchemaNode => {
    if (schema === true) return any();
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw unsupported(schema === false ? 'false' : 'schema', path, schema === false ? 'a false schema admits no value' : 'a schema must be an object');
    }
    const s = schema as Schema;
    for (const keyword of Object.keys(s)) {
      if (!ANNOTATIONS.has(keyword) && !VALUE_KEYWORDS.has(keyword)) throw unsupported(keyword, path, 'it is not in the supported subset');
    }
    if (s.$ref !== undefined) {
      assertAlone(s, '$ref', path);
      return resolveRef(s.$ref, path);
    }
    for (const combinator of ['anyOf', 'oneOf'] as const) {
      if (s[combinator] === undefined) continue;
      assertAlone(s, combinator, path);
      const branches = s[combinator];
      if (!Array.isArray(branches) || branches.length === 0) throw unsupported(combinator, path, 'it needs a non-empty list of schemas');
      // oneOf is compiled as anyOf: right when its branches are disjoint (as zod's discriminated unions are)
      return union(branches.map((branch, i) => compile(branch, `${path}/${combinator}/${i}`)));
    }
    const types = typesOf(s, path);
    if (s.const !== undefined || s.enum !== undefined) return literal(s, types, path);
    if (types === null) return any();
    return union(types.map((type) => compileType(s, type, path)));
  };

  const union = (options: SchemaNode[]): SchemaNode => (options.length === 1 ? options[0] : make({ kind: 'union', options }));

  const literal = (s: Schema, types: string[] | null, path: string): SchemaNode => {
    const values = s.const !== undefined ? [s.const] : s.enum;
    if (!Array.isArray(values) || values.length === 0) throw unsupported('enum', path, 'it needs a non-empty list of values');
    const kept = values.filter((v) => types === null || types.some((t) => valueHasType(v, t)));
    if (kept.length === 0) throw unsupported('enum', path, `none of its values has type ${types?.join('|')}`);
    return make({ kind: 'literal', texts: [...new Set(kept.map((v) => utf8Bytes(JSON.stringify(v))))] });
  };

  const compileType = (s: Schema, type: string, path: string): SchemaNode => {
    // keywords of other types do not apply to this one (JSON Schema semantics), e.g. minLength beside type ["string", "null"]
    switch (type) {
      case 'object':
        return objectNode(s, path);
      case 'array': {
        if (Array.isArray(s.items)) throw unsupported('items', path, 'tuple-form items (an array of schemas) is not supported');
        const minItems = count(s, 'minItems', path, 0);
        const maxItems = count(s, 'maxItems', path, Infinity);
        if (minItems > maxItems) throw unsupported('minItems', path, 'it exceeds maxItems');
        return make({ kind: 'array', items: s.items === undefined ? any() : compile(s.items, `${path}/items`), minItems, maxItems });
      }
      case 'string': {
        const minLength = count(s, 'minLength', path, 0);
        const maxLength = count(s, 'maxLength', path, Infinity);
        if (minLength > maxLength) throw unsupported('minLength', path, 'it exceeds maxLength');
        return make({ kind: 'string', minLength, maxLength });
      }
      case 'number':
      case 'integer':
        return make({ kind: 'number', integer: type === 'integer', range: rangeOf(s, path) });
      case 'boolean':
        return make({ kind: 'literal', texts: ['true', 'false'] });
      case 'null':
        return make({ kind: 'literal', texts: ['null'] });
      default:
        throw unsupported('type', path, `unknown type ${JSON.stringify(type)}`);
    }
  };

  const objectNode = (s: Schema, path: string): SchemaNode => {
    const declared = s.properties ?? {};
    if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) throw unsupported('properties', path, 'it must be an object');
    const required = s.required ?? [];
    if (!Array.isArray(required) || required.some((r) => typeof r !== 'string')) throw unsupported('required', path, 'it must be a list of names');
    const properties = Object.entries(declared as Schema).map(([name, value]) => ({
      name,
      key: utf8Bytes(JSON.stringify(name)),
      value: compile(value, `${path}/properties/${name}`),
      required: required.includes(name),
    }));
    const undeclared = (required as string[]).filter((name) => !(name in (declared as Schema)));
    if (undeclared.length > 0) throw unsupported('required', path, `required properties ${undeclared.join(', ')} are not declared in "properties"`);
    const additional = s.additionalProperties;
    // with declared properties only those are generated (valid whether or not others are allowed)
    let extra: SchemaNode | null = null;
    if (properties.length === 0 && additional !== false) extra = additional === undefined || additional === true ? any() : compile(additional, `${path}/additionalProperties`);
    return make({ kind: 'object', properties, extra });
  };

  return compile(root, '#');
}

function assertAlone(s: Schema, keyword: string, path: string): void {
  const others = Object.keys(s).filter((k) => k !== keyword && VALUE_KEYWORDS.has(k));
  if (others.length > 0) throw unsupported(others[0] as string, path, `combining it with "${keyword}" in one schema is not supported; move it into the branches`);
}

/** The schema's types: its `type`, else what its keywords imply, else null (any value). */
function typesOf(s: Schema, path: string): string[] | null {
  if (s.type !== undefined) {
    const list = Array.isArray(s.type) ? s.type : [s.type];
    if (list.length === 0 || list.some((t) => typeof t !== 'string')) throw unsupported('type', path, 'it must be a type name or a list of them');
    return list as string[];
  }
  const implied = Object.keys(KEYWORDS_BY_TYPE).filter((type) => type !== 'integer' && KEYWORDS_BY_TYPE[type]?.some((k) => s[k] !== undefined));
  return implied.length === 0 ? null : implied;
}

function valueHasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'null') return value === null;
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === type;
}

function count(s: Schema, keyword: string, path: string, fallback: number): number {
  const value = s[keyword];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw unsupported(keyword, path, 'it must be a non-negative integer');
  return value;
}

function rangeOf(s: Schema, path: string): NumberRange | null {
  const bound = (keyword: string): number | undefined => {
    const value = s[keyword];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw unsupported(keyword, path, 'it must be a finite number');
    return value;
  };
  const [min, exMin, max, exMax] = ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'].map(bound);
  if ([min, exMin, max, exMax].every((b) => b === undefined)) return null;
  const low = pickBound(min, exMin, Math.max, -Infinity);
  const high = pickBound(max, exMax, Math.min, Infinity);
  if (low.value > high.value || (low.value === high.value && (low.exclusive || high.exclusive))) {
    throw unsupported('minimum', path, 'the bounds admit no number');
  }
  return { min: low.value, minExclusive: low.exclusive, max: high.value, maxExclusive: high.exclusive };
}

/** The tighter of an inclusive and an exclusive bound. */
function pickBound(inclusive: number | undefined, exclusive: number | undefined, tighter: (a: number, b: number) => number, none: number) {
  if (inclusive === undefined && exclusive === undefined) return { value: none, exclusive: false };
  if (exclusive === undefined) return { value: inclusive as number, exclusive: false };
  if (inclusive === undefined) return { value: exclusive, exclusive: true };
  if (inclusive !== exclusive && tighter(inclusive, exclusive) === inclusive) return { value: inclusive, exclusive: false };
  return { value: exclusive, exclusive: true };
}
