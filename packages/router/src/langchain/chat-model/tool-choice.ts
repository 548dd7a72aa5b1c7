import type { ToolChoice as LangChainToolChoice } from '@langchain/core/language_models/chat_models';
import { z } from 'zod';
import { ConstrainedToolSchema, PlugboardError } from '@plugboard/core';
import type { ConstrainedTool, ToolChoice } from '@plugboard/core';

/** An OpenAI-form tool spec (what toolSpecs renders) as the constraint sees it. */
const OpenAIToolSpecSchema = z.object({ type: z.literal('function'), function: ConstrainedToolSchema });

export function constrainedTools(specs: readonly unknown[]): ConstrainedTool[] {
  return specs.map((spec, i) => {
    const parsed = OpenAIToolSpecSchema.safeParse(spec);
    if (!parsed.success) throw new PlugboardError('INVALID_ARGUMENT', `bound tool ${i} has no function name and JSON Schema parameters; bind LangChain tools or {type: "function", function: {name, parameters}}`);
    return parsed.data.function;
  });
}

/**
 * LangChain's `tool_choice` in the constraint's terms: "auto" (default),
 * "none", "any"/"required" (some tool), or one tool by name — a bare name or
 * OpenAI's `{type: "function", function: {name}}`. A name must be a bound tool.
 */
export function toToolChoice(choice: LangChainToolChoice | undefined, tools: readonly ConstrainedTool[]): ToolChoice {
  if (choice === undefined || choice === 'auto') return 'auto';
  if (choice === 'none') return 'none';
  if (choice === 'any' || choice === 'required') return requireTools(choice, tools, 'required');
  const name = typeof choice === 'string' ? choice : nameOf(choice);
  if (name === null) {
    throw new PlugboardError('INVALID_ARGUMENT', `tool_choice ${JSON.stringify(choice)} is not understood; use "auto", "none", "any", "required", a tool name or {type: "function", function: {name}}`);
  }
  if (!tools.some((tool) => tool.name === name)) {
    const bound = tools.map((tool) => tool.name).join(', ') || 'none';
    throw new PlugboardError('INVALID_ARGUMENT', `tool_choice names "${name}" but the bound tools are: ${bound}; bind it with bindTools or choose one of them`);
  }
  return { name };
}

/** A choice that makes the model call a tool. */
export function isForcedToolChoice(choice: ToolChoice): boolean {
  return choice !== 'auto' && choice !== 'none';
}

function requireTools(choice: string, tools: readonly ConstrainedTool[], result: ToolChoice): ToolChoice {
  if (tools.length === 0) throw new PlugboardError('INVALID_ARGUMENT', `tool_choice "${choice}" needs bound tools; call bindTools([...]) first`);
  return result;
}

function nameOf(choice: Record<string, unknown>): string | null {
  const fn = choice.function;
  if (choice.type !== 'function' || typeof fn !== 'object' || fn === null || !('name' in fn)) return null;
  return typeof fn.name === 'string' && fn.name !== '' ? fn.name : null;
}
