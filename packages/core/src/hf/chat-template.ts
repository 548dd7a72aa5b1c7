import { Template, parse, tokenize } from '@huggingface/jinja';
import { z } from 'zod';
import { PlugboardError } from '../errors/plugboard-error.ts';
import { causeMessage } from './cause-message.ts';
import { readTokenizerConfig, tokenContent } from './tokenizer-config.ts';
import type { TokenizerConfig } from './tokenizer-config.ts';

export const ToolCallSchema = z.object({
  id: z.string().optional(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.union([z.string(), z.record(z.string(), z.unknown())]) }),
});

/** One chat turn as chat templates expect it (OpenAI / transformers message shape). */
export const ChatMessageSchema = z.object({
  role: z.string(),
  content: z.string().nullable(),
  name: z.string().optional(),
  tool_calls: z.array(ToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});

/** A tool as chat templates and HTTP APIs take it: the OpenAI "function" form, parameters as JSON Schema. */
export const ToolSpecSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
  }),
});

export type ToolSpec = z.infer<typeof ToolSpecSchema>;
export type ToolCall = z.infer<typeof ToolCallSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export interface ChatTemplateInput {
  messages: readonly ChatMessage[];
  /** end with the header of an assistant turn, so the model continues as the assistant */
  addGenerationPrompt?: boolean;
  /** tool definitions (JSON schema "function" objects); passed only when given */
  tools?: readonly unknown[];
  /** further template variables some models read, e.g. { enable_thinking: false } */
  variables?: Record<string, unknown>;
}

function templateError(message: string, cause?: unknown): PlugboardError {
  return new PlugboardError('CHAT_TEMPLATE_ERROR', message, { cause });
}

/** What the library's lexer yields (its .d.ts imports do not resolve under NodeNext, so it types them as any). */
interface LexerToken {
  type: string;
  value: string;
}

/** The name range() is bound to in our renders (the library's own `range` global cannot be replaced). */
const BUDGETED_RANGE = '__plugboard_budgeted_range';

function compile(source: string, name: string): Template {
  try {
    const template = new Template(source);
    if (/\brange\b/.test(source)) template.parsed = parse(withBudgetedRange<LexerToken>(tokenize(source, { lstrip_blocks: true, trim_blocks: true })));
    return template;
  } catch (cause) {
    throw templateError(`chat template "${name}" does not parse: ${causeMessage(cause)}`, cause);
  }
}

/**
 * Every variable named `range` (not `x.range`) renamed to the budgeted one:
 * calls, `{% set r = range %}` aliases, and a template's own `range` alike,
 * so the rename never changes what a template means.
 */
function withBudgetedRange<T extends LexerToken>(tokens: T[]): T[] {
  tokens.forEach((token, i) => {
    if (token.type === 'Identifier' && token.value === 'range' && tokens[i - 1]?.type !== 'Dot') token.value = BUDGETED_RANGE;
  });
  return tokens;
}

/**
 * What one render may use. Jinja's `range(100000000)` builds its whole list
 * up front and would exhaust the V8 heap, and loops nest: so every range()
 * of a render draws from one budget of items, and the output is bounded too.
 */
export const ChatTemplateBudgetSchema = z.object({
  /** items all range() calls of one render may produce together */
  maxRangeItems: z.number().int().positive().default(1_000_000),
  /** characters the rendered prompt may have */
  maxOutputChars: z.number().int().positive().default(4 * 1024 * 1024),
});
export type ChatTemplateBudget = z.input<typeof ChatTemplateBudgetSchema>;

/** Python's range() drawing from a budget shared by one render's calls. */
function budgetedRange(budget: { left: number }): (start: number, stop?: number, step?: number) => number[] {
  return (start, stop, step = 1) => {
    const [from, to] = stop === undefined ? [0, start] : [start, stop];
    if (![from, to, step].every(Number.isInteger)) throw new Error('range() takes integers');
    if (step === 0) throw new Error('range() step must not be zero');
    const count = Math.max(0, Math.ceil((to - from) / step));
    if (count > budget.left) {
      throw templateError(`the chat template asked range() for ${count} items, more than its budget allows (${budget.left} left of this render's range items); the template is broken or hostile`);
    }
    budget.left -= count;
    return Array.from({ length: count }, (_, i) => from + i * step);
  };
}

/**
 * A model's chat template (Jinja, as in tokenizer_config.json), compiled once.
 * Models with several named templates use "tool_use" when tools are given, else "default".
 */
export class ChatTemplate {
  private readonly templates: Map<string, Template>;
  private readonly bosToken: string | null;
  private readonly eosToken: string | null;

  private readonly budget: z.infer<typeof ChatTemplateBudgetSchema>;

  constructor(
    source: string | Readonly<Record<string, string>>,
    specialTokens: { bosToken?: string | null; eosToken?: string | null } = {},
    budget: ChatTemplateBudget = {},
  ) {
    const parsedBudget = ChatTemplateBudgetSchema.safeParse(budget);
    if (!parsedBudget.success) throw new PlugboardError('INVALID_ARGUMENT', `invalid chat template budget: ${z.prettifyError(parsedBudget.error)}`);
    this.budget = parsedBudget.data;
    const named = typeof source === 'string' ? { default: source } : source;
    this.templates = new Map(Object.entries(named).map(([name, text]) => [name, compile(text, name)]));
    this.bosToken = specialTokens.bosToken ?? null;
    this.eosToken = specialTokens.eosToken ?? null;
  }

  render(input: ChatTemplateInput): string {
    const withTools = input.tools !== undefined && input.tools.length > 0;
    const template = (withTools ? this.templates.get('tool_use') : undefined) ?? this.templates.get('default');
    if (!template) {
      throw templateError(`no "default" chat template among [${[...this.templates.keys()].join(', ')}]`);
    }
    const context: Record<string, unknown> = {
      ...input.variables,
      messages: input.messages,
      add_generation_prompt: input.addGenerationPrompt ?? false,
      bos_token: this.bosToken ?? '',
      eos_token: this.eosToken ?? '',
      // stands in for the built-in range(), which would allocate whatever it is asked for
      [BUDGETED_RANGE]: budgetedRange({ left: this.budget.maxRangeItems }),
    };
    if (withTools) context.tools = input.tools;
    let text: string;
    try {
      text = template.render(context);
    } catch (cause) {
      if (cause instanceof PlugboardError) throw cause;
      // also what a template's own raise_exception('...') ends up as
      throw templateError(`rendering the chat template failed: ${causeMessage(cause)}`, cause);
    }
    if (text.length > this.budget.maxOutputChars) {
      throw templateError(`the chat template rendered ${text.length} characters, more than the ${this.budget.maxOutputChars} allowed; the template or the conversation is far too long`);
    }
    return text;
  }
}

/** The chat template of a tokenizer config; CHAT_TEMPLATE_ERROR when it has none. */
export function chatTemplateFromConfig(config: TokenizerConfig, where = 'tokenizer_config.json'): ChatTemplate {
  const source = config.chat_template;
  if (source == null) {
    throw templateError(
      `${where} has no chat_template: this looks like a base (non-chat) model; use a chat/instruct model or format prompts yourself`,
    );
  }
  const templates = typeof source === 'string' ? source : Object.fromEntries(source.map((t) => [t.name, t.template]));
  return new ChatTemplate(templates, { bosToken: tokenContent(config.bos_token), eosToken: tokenContent(config.eos_token) });
}

/** Loads the chat template of the model in `dir` (tokenizer_config.json or chat_template.jinja). */
export function loadChatTemplate(dir: string): ChatTemplate {
  return chatTemplateFromConfig(readTokenizerConfig(dir), `the tokenizer config in ${dir}`);
}
