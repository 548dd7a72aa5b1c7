import { Template } from '@huggingface/jinja';
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

function compile(source: string, name: string): Template {
  try {
    return new Template(source);
  } catch (cause) {
    throw templateError(`chat template "${name}" does not parse: ${causeMessage(cause)}`, cause);
  }
}

/**
 * A model's chat template (Jinja, as in tokenizer_config.json), compiled once.
 * Models with several named templates use "tool_use" when tools are given, else "default".
 */
export class ChatTemplate {
  private readonly templates: Map<string, Template>;
  private readonly bosToken: string | null;
  private readonly eosToken: string | null;

  constructor(source: string | Readonly<Record<string, string>>, specialTokens: { bosToken?: string | null; eosToken?: string | null } = {}) {
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
    };
    if (withTools) context.tools = input.tools;
    try {
      return template.render(context);
    } catch (cause) {
      // also what a template's own raise_exception('...') ends up as
      throw templateError(`rendering the chat template failed: ${causeMessage(cause)}`, cause);
    }
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
