import { MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, inRange, prefixCanReach } from './number-prefix.ts';
import type { SchemaNode } from './schema-node.ts';

/** Whitespace characters allowed in one gap between JSON tokens: a few, so a model cannot loop on spaces. */
export const MAX_WHITESPACE = 1;

type Node<K extends SchemaNode['kind']> = Extract<SchemaNode, { kind: K }>;

// Frames of the pushdown stack, each linked to the one below (`up`). States are
// immutable: a step returns new top frames and shares the rest, so the token
// trie walk can branch from one state into many without copying stacks.
type Frame =
  | { k: 'value'; up: Frame | null; node: SchemaNode; ws: number }
  | { k: 'string'; up: Frame | null; node: Node<'string'>; units: number; points: number; esc: number; surrogate: boolean; cont: number; lo: number; hi: number; lt: boolean }
  | { k: 'number'; up: Frame | null; node: Node<'number'>; text: string; phase: NumberPhase }
  | { k: 'literal'; up: Frame | null; texts: string[]; tags: number[]; pos: number }
  | { k: 'object'; up: Frame | null; node: Node<'object'>; phase: ObjectPhase; next: number; current: number; ws: number }
  | { k: 'array'; up: Frame | null; node: Node<'array'>; phase: ArrayPhase; count: number; ws: number }
  | { k: 'fork'; up: null; alternatives: Frame[] }
  | { k: 'done'; up: null }
  | { k: 'text'; up: null; matched: number; calls: number }
  | { k: 'close'; up: Frame; ws: number; pos: number }
  | { k: 'calls'; up: null; calls: number; ws: number; pos: number };

/** A recognizer state: the top frame of its stack. */
export type RecognizerState = Frame;

type NumberPhase = 'start' | 'sign' | 'zero' | 'int' | 'dot' | 'fraction';
/** open: after `{`; keying/valuing: a key/value frame is above; colon: after a key; after: after a value; comma: after `,` */
type ObjectPhase = 'open' | 'keying' | 'colon' | 'valuing' | 'after' | 'comma';
type ArrayPhase = 'open' | 'valuing' | 'after' | 'comma';

/** What the output is: one JSON value, or text with tool calls under a tool choice. */
export type OutputMode = 'json' | 'auto' | 'none' | 'required' | 'named';

export interface RecognizerOptions {
  mode: OutputMode;
  /** the value (json) or a tool call's body (the other modes) */
  value: SchemaNode;
  /** tags around a tool call, as UTF-8 bytes (one char per byte) */
  openTag?: string;
  closeTag?: string;
  /** most tool calls in one output (named mode: 1) */
  maxCalls?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isWhitespace = (b: number) => b === 0x20 || b === 0x0a;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isHex = (b: number) => isDigit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
const SIMPLE_ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
const DONE: Frame = { k: 'done', up: null };
/** object keys of free-form objects: any string */
const KEY_STRING: Node<'string'> = { kind: 'string', id: -1, minLength: 0, maxLength: Infinity };

/**
 * A byte-level pushdown recognizer for JSON values of a compiled schema,
 * optionally inside Qwen/Hermes tool-call markup. `step` returns the state
 * after one more byte, or null when that byte cannot continue a valid output.
 * Objects emit their declared properties in schema order (optional ones may
 * be skipped); numbers have no exponent and bounded digits; whitespace is
 * bounded per gap. Inside tool calls a string never contains `</` (the model
 * can write `<\/`), so no argument can fake the close tag.
 */
export class JsonRecognizer {
  private readonly mode: OutputMode;
  private readonly value: SchemaNode;
  private readonly open: string;
  private readonly close: string;
  /** KMP automaton over the open tag, for free text: next matched length per (matched, byte) */
  private readonly tagDelta: Int16Array;
  private readonly textFrames: Frame[];
  private readonly lastRequired = new Map<Node<'object'>, number>();
  private readonly guardStrings: boolean;
  private readonly maxCalls: number;

  constructor(options: RecognizerOptions) {
    this.mode = options.mode;
    this.value = options.value;
    this.open = options.openTag ?? '';
    this.close = options.closeTag ?? '';
    this.guardStrings = this.mode !== 'json';
    this.tagDelta = kmpTable(this.open);
    this.maxCalls = this.mode === 'named' ? 1 : (options.maxCalls ?? Infinity);
    this.textFrames = Array.from({ length: Math.max(1, this.open.length) }, (_, matched) => ({ k: 'text', up: null, matched, calls: 0 }));
  }

  /** Call counts only matter up to the limit: capping them keeps cache keys stable. */
  private cappedCalls(calls: number, unlimited: number): number {
    return Math.min(calls, Number.isFinite(this.maxCalls) ? this.maxCalls : unlimited);
  }

  private textFrame(matched: number, calls: number): Frame {
    return calls === 0 ? (this.textFrames[matched] as Frame) : { k: 'text', up: null, matched, calls };
  }

  start(): RecognizerState {
    if (this.mode === 'json') return { k: 'value', up: null, node: this.value, ws: 0 };
    if (this.mode === 'auto' || this.mode === 'none') return this.textFrames[0] as Frame;
    return { k: 'calls', up: null, calls: 0, ws: 0, pos: 0 };
  }

  /** Feeds the bytes of `text` (one char per byte); null as soon as one is rejected. */
  advance(state: RecognizerState, text: string): RecognizerState | null {
    let s: Frame | null = state;
    for (let i = 0; i < text.length && s !== null; i += 1) s = this.step(s, text.charCodeAt(i));
    return s;
  }

  /** Whether the output may end here (the value is complete, or free text is allowed). */
  canEnd(f: RecognizerState): boolean {
    switch (f.k) {
      case 'done':
      case 'text':
        return true;
      case 'calls':
        return f.calls > 0 && f.pos === 0;
      case 'number':
        return f.up === null && this.numberComplete(f);
      case 'literal':
        return f.up === null && f.texts.some((t) => t.length === f.pos);
      case 'fork':
        return f.alternatives.some((a) => this.canEnd(a));
      default:
        return false;
    }
  }

  /**
   * Inside a string with no escape, partial character or pending "<" (tool
   * calls): how many UTF-16 units it has left, so any plain string token that
   * fits is allowed without walking. Null in every other state.
   */
  plainStringCapacity(f: RecognizerState): number | null {
    if (f.k !== 'string' || f.esc !== 0 || f.cont !== 0 || (f.lt && this.guardStrings)) return null;
    return f.node.maxLength - f.units;
  }

  /** A key naming the state for mask caching, or null where the state is cheap to walk or hard to name. */
  keyOf(f: RecognizerState): string | null {
    let key = '';
    for (let frame: Frame | null = f; frame !== null; frame = frame.up) {
      switch (frame.k) {
        case 'value':
          key += `v${frame.node.id},${frame.ws}|`;
          break;
        case 'string':
          key += `s${frame.node.id},${frame.units},${frame.points},${frame.esc},${+frame.surrogate},${frame.cont},${frame.lo},${frame.hi},${+frame.lt}|`;
          break;
        case 'object':
          key += `o${frame.node.id},${frame.phase},${frame.next},${frame.current},${frame.ws}|`;
          break;
        case 'array':
          key += `a${frame.node.id},${frame.phase},${frame.count},${frame.ws}|`;
          break;
        case 'close':
          key += `c${frame.ws},${frame.pos}|`;
          break;
        case 'calls':
          key += `k${frame.calls},${frame.ws},${frame.pos}`;
          break;
        case 'text':
          key += `t${frame.matched},${frame.calls}`;
          break;
        case 'done':
          key += 'd';
          break;
        default:
          return null;
      }
    }
    return key;
  }

  step(f: Frame, b: number): Frame | null {
    switch (f.k) {
      case 'value':
        if (isWhitespace(b)) return f.ws < MAX_WHITESPACE ? { ...f, ws: f.ws + 1 } : null;
        return this.startValue(f.node, f.up, b);
      case 'string':
        return this.stringStep(f, b);
      case 'number':
        return this.numberStep(f, b);
      case 'literal':
        return this.literalStep(f, b);
      case 'object':
        return this.objectStep(f, b);
      case 'array':
        return this.arrayStep(f, b);
      case 'fork':
        return this.fork(f.alternatives.map((a) => this.step(a, b)));
      case 'done':
        return null;
      case 'text': {
        const matched = this.tagDelta[f.matched * 256 + b] as number;
        if (matched < this.open.length) return this.textFrame(matched, f.calls);
        if (this.mode !== 'auto' || f.calls >= this.maxCalls) return null;
        return this.enterCall(this.textFrame(0, this.cappedCalls(f.calls + 1, 0)));
      }
      case 'close':
        if (f.pos === 0 && isWhitespace(b)) return f.ws < MAX_WHITESPACE ? { ...f, ws: f.ws + 1 } : null;
        if (b !== this.close.charCodeAt(f.pos)) return null;
        return f.pos + 1 === this.close.length ? f.up : { ...f, pos: f.pos + 1 };
      case 'calls': {
        if (f.calls >= this.maxCalls) return null;
        if (f.pos === 0 && isWhitespace(b)) return f.ws < MAX_WHITESPACE ? { ...f, ws: f.ws + 1 } : null;
        if (b !== this.open.charCodeAt(f.pos)) return null;
        if (f.pos + 1 < this.open.length) return { ...f, pos: f.pos + 1 };
        return this.enterCall({ k: 'calls', up: null, calls: this.cappedCalls(f.calls + 1, 1), ws: 0, pos: 0 });
      }
    }
  }

  /** After the open tag: the call body, then whitespace and the close tag, then back to `after`. */
  private enterCall(after: Frame): Frame {
    return { k: 'value', up: { k: 'close', up: after, ws: 0, pos: 0 }, node: this.value, ws: 0 };
  }

  private fork(states: (Frame | null)[]): Frame | null {
    const alternatives: Frame[] = [];
    for (const s of states) {
      if (s === null) continue;
      if (s.k === 'fork') alternatives.push(...s.alternatives);
      else alternatives.push(s);
    }
    if (alternatives.length <= 1) return alternatives[0] ?? null;
    return { k: 'fork', up: null, alternatives };
  }

  /** The first byte of a value of `node`. */
  private startValue(node: SchemaNode, up: Frame | null, b: number): Frame | null {
    switch (node.kind) {
      case 'object':
        return b === 0x7b ? { k: 'object', up, node, phase: 'open', next: 0, current: -1, ws: 0 } : null;
      case 'array':
        return b === 0x5b ? { k: 'array', up, node, phase: 'open', count: 0, ws: 0 } : null;
      case 'string':
        return b === QUOTE ? openString(node, up) : null;
      case 'number':
        return b === 0x2d || isDigit(b) ? this.numberStep({ k: 'number', up, node, text: '', phase: 'start' }, b) : null;
      case 'literal':
        return this.literalStep({ k: 'literal', up, texts: node.texts, tags: node.texts.map(() => -1), pos: 0 }, b);
      case 'union':
        return this.fork(node.options.map((option) => this.startValue(option, up, b)));
    }
  }

  /** The value above `up` is complete (`tag`: which key literal matched): `up`'s next state. */
  private complete(up: Frame | null, tag: number): Frame | null {
    if (up === null) return DONE;
    switch (up.k) {
      case 'object':
        if (up.phase === 'keying') return { ...up, phase: 'colon', current: tag, next: tag < 0 ? up.next : tag + 1 };
        return { ...up, phase: 'after', ws: 0 };
      case 'array': {
        const { minItems, maxItems } = up.node;
        // the count only matters up to the bounds: capping it keeps cache keys stable
        const count = Math.min(up.count + 1, Number.isFinite(maxItems) ? maxItems : minItems);
        return { ...up, phase: 'after', count, ws: 0 };
      }
      case 'close':
        return up;
      default:
        return null;
    }
  }

  private stringStep(f: StringFrame, b: number): Frame | null {
    if (f.cont > 0) return b >= f.lo && b <= f.hi ? stringFrame(f, f.units, f.points, 0, false, f.cont - 1, 0x80, 0xbf, false) : null;
    if (f.esc === 1) {
      if (SIMPLE_ESCAPES.has(b)) return this.counted(f, 1, 0, 0x80, 0xbf, false);
      return b === 0x75 ? stringFrame(f, f.units, f.points, 2, false, 0, 0x80, 0xbf, false) : null;
    }
    if (f.esc >= 2) {
      // \uXXXX, surrogates excluded (a lone one would not round-trip)
      if (!isHex(b) || (f.surrogate && !(b >= 0x30 && b <= 0x37))) return null;
      const surrogate = f.esc === 2 && (b === 0x64 || b === 0x44);
      return f.esc === 5 ? this.counted(f, 1, 0, 0x80, 0xbf, false) : stringFrame(f, f.units, f.points, f.esc + 1, surrogate, 0, 0x80, 0xbf, false);
    }
    if (b === QUOTE) return f.points >= f.node.minLength ? this.complete(f.up, -1) : null;
    if (b === BACKSLASH) return f.units + 1 <= f.node.maxLength ? stringFrame(f, f.units, f.points, 1, false, 0, 0x80, 0xbf, false) : null;
    if (b < 0x20) return null;
    if (b < 0x80) {
      if (this.guardStrings && f.lt && b === 0x2f) return null;
      return this.counted(f, 1, 0, 0x80, 0xbf, b === 0x3c);
    }
    // UTF-8 lead bytes with the range of their first continuation byte (no overlongs, no surrogates, ≤ U+10FFFF)
    const lead = utf8Lead(b);
    if (lead === null) return null;
    return this.counted(f, lead.cont === 3 ? 2 : 1, lead.cont, lead.lo, lead.hi, false);
  }

  /** One more character of `units` UTF-16 code units (zod's length) and one code point (JSON Schema's). */
  private counted(f: StringFrame, units: number, cont: number, lo: number, hi: number, lt: boolean): Frame | null {
    const { minLength, maxLength } = f.node;
    const used = f.units + units;
    if (used > maxLength) return null;
    // counters only matter up to the bounds: capping them keeps cache keys stable
    return stringFrame(f, Number.isFinite(maxLength) ? used : 0, Math.min(f.points + 1, minLength), 0, false, cont, lo, hi, lt);
  }

  private numberStep(f: Extract<Frame, { k: 'number' }>, b: number): Frame | null {
    const phase = nextNumberPhase(f, b);
    if (phase !== null) {
      const text = f.text + String.fromCharCode(b);
      if (f.node.range !== null && !prefixCanReach(text, f.node.integer, f.node.range)) return null;
      return { ...f, text, phase };
    }
    if (!this.numberComplete(f)) return null;
    const up = this.complete(f.up, -1);
    return up === null ? null : this.step(up, b);
  }

  private numberComplete(f: Extract<Frame, { k: 'number' }>): boolean {
    if (f.phase !== 'zero' && f.phase !== 'int' && f.phase !== 'fraction') return false;
    return f.node.range === null || inRange(Number(f.text), f.node.range);
  }

  private literalStep(f: Extract<Frame, { k: 'literal' }>, b: number): Frame | null {
    const texts: string[] = [];
    const tags: number[] = [];
    let exact = -1;
    for (let i = 0; i < f.texts.length; i += 1) {
      const text = f.texts[i] as string;
      if (text.length === f.pos) exact = i;
      else if (text.charCodeAt(f.pos) === b) {
        texts.push(text);
        tags.push(f.tags[i] as number);
      }
    }
    if (texts.length === 0) {
      // a complete literal that no candidate extends (e.g. 1 of [1, 12]) ends here and `b` goes on
      if (exact < 0) return null;
      const up = this.complete(f.up, f.tags[exact] as number);
      return up === null ? null : this.step(up, b);
    }
    const pos = f.pos + 1;
    if (texts.length === 1 && (texts[0] as string).length === pos) return this.complete(f.up, tags[0] as number);
    return { ...f, texts, tags, pos };
  }

  private objectStep(f: Extract<Frame, { k: 'object' }>, b: number): Frame | null {
    const { properties, extra } = f.node;
    switch (f.phase) {
      case 'open':
      case 'comma':
      case 'after':
        if (isWhitespace(b)) return f.ws < MAX_WHITESPACE ? { ...f, ws: f.ws + 1 } : null;
        if (b === 0x7d && f.phase !== 'comma') return this.requiredDone(f) ? this.complete(f.up, -1) : null;
        if (f.phase === 'after') return b === 0x2c && this.moreKeys(f) ? { ...f, phase: 'comma', ws: 0 } : null;
        if (b !== QUOTE) return null;
        if (extra !== null) return openString(KEY_STRING, { ...f, phase: 'keying' });
        return this.keyLiteral(f);
      case 'colon':
        if (b !== 0x3a) return null;
        return {
          k: 'value',
          up: { ...f, phase: 'valuing' },
          node: f.current < 0 ? (extra as SchemaNode) : (properties[f.current]?.value as SchemaNode),
          ws: 0,
        };
      default:
        return null;
    }
  }

  /** After the opening quote of a key: the declared keys that may come next (up to the next required one). */
  private keyLiteral(f: Extract<Frame, { k: 'object' }>): Frame | null {
    const texts: string[] = [];
    const tags: number[] = [];
    for (let i = f.next; i < f.node.properties.length; i += 1) {
      const property = f.node.properties[i]!;
      texts.push(property.key);
      tags.push(i);
      if (property.required) break;
    }
    if (texts.length === 0) return null;
    return { k: 'literal', up: { ...f, phase: 'keying' }, texts, tags, pos: 1 };
  }

  private moreKeys(f: Extract<Frame, { k: 'object' }>): boolean {
    return f.node.extra !== null || f.next < f.node.properties.length;
  }

  private requiredDone(f: Extract<Frame, { k: 'object' }>): boolean {
    let last = this.lastRequired.get(f.node);
    if (last === undefined) {
      last = f.node.properties.findLastIndex((p) => p.required);
      this.lastRequired.set(f.node, last);
    }
    return f.next > last;
  }

  private arrayStep(f: Extract<Frame, { k: 'array' }>, b: number): Frame | null {
    const { items, minItems, maxItems } = f.node;
    if (f.phase === 'valuing') return null;
    if (isWhitespace(b)) return f.ws < MAX_WHITESPACE ? { ...f, ws: f.ws + 1 } : null;
    if (b === 0x5d && f.phase !== 'comma') return f.count >= minItems ? this.complete(f.up, -1) : null;
    if (f.phase === 'after') return b === 0x2c && f.count < maxItems ? { ...f, phase: 'comma', ws: 0 } : null;
    if (f.phase === 'open' && maxItems === 0) return null;
    return this.startValue(items, { ...f, phase: 'valuing' }, b);
  }
}

type StringFrame = Extract<Frame, { k: 'string' }>;

function openString(node: Node<'string'>, up: Frame | null): Frame {
  return { k: 'string', up, node, units: 0, points: 0, esc: 0, surrogate: false, cont: 0, lo: 0x80, hi: 0xbf, lt: false };
}

/** The next string frame, built field by field: object spread is many times slower on the trie walk's hot path. */
function stringFrame(f: StringFrame, units: number, points: number, esc: number, surrogate: boolean, cont: number, lo: number, hi: number, lt: boolean): Frame {
  return { k: 'string', up: f.up, node: f.node, units, points, esc, surrogate, cont, lo, hi, lt };
}

function nextNumberPhase(f: Extract<Frame, { k: 'number' }>, b: number): NumberPhase | null {
  const digit = isDigit(b);
  const dot = b === 0x2e && !f.node.integer;
  switch (f.phase) {
    case 'start':
      if (b === 0x2d) return 'sign';
      return digit ? (b === 0x30 ? 'zero' : 'int') : null;
    case 'sign':
      return digit ? (b === 0x30 ? 'zero' : 'int') : null;
    case 'zero':
      return dot ? 'dot' : null;
    case 'int':
      if (dot) return 'dot';
      return digit && f.text.replace('-', '').length < MAX_INTEGER_DIGITS ? 'int' : null;
    case 'dot':
      return digit ? 'fraction' : null;
    case 'fraction':
      return digit && f.text.length - f.text.indexOf('.') - 1 < MAX_FRACTION_DIGITS ? 'fraction' : null;
  }
}

function utf8Lead(b: number): { cont: number; lo: number; hi: number } | null {
  if (b >= 0xc2 && b <= 0xdf) return { cont: 1, lo: 0x80, hi: 0xbf };
  if (b === 0xe0) return { cont: 2, lo: 0xa0, hi: 0xbf };
  if (b === 0xed) return { cont: 2, lo: 0x80, hi: 0x9f };
  if (b >= 0xe1 && b <= 0xef) return { cont: 2, lo: 0x80, hi: 0xbf };
  if (b === 0xf0) return { cont: 3, lo: 0x90, hi: 0xbf };
  if (b >= 0xf1 && b <= 0xf3) return { cont: 3, lo: 0x80, hi: 0xbf };
  if (b === 0xf4) return { cont: 3, lo: 0x80, hi: 0x8f };
  return null;
}

/** KMP transitions over `tag`'s bytes: entry [matched * 256 + byte] is the next matched length. */
function kmpTable(tag: string): Int16Array {
  const table = new Int16Array(Math.max(1, tag.length) * 256);
  if (tag.length === 0) return table;
  table[tag.charCodeAt(0)] = 1;
  let fallback = 0;
  for (let matched = 1; matched < tag.length; matched += 1) {
    for (let b = 0; b < 256; b += 1) table[matched * 256 + b] = table[fallback * 256 + b] as number;
    table[matched * 256 + tag.charCodeAt(matched)] = matched + 1;
    fallback = table[fallback * 256 + tag.charCodeAt(matched)] as number;
  }
  return table;
}
