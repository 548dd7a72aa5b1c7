import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import type { ToolSpec } from '../../backend/skill-request.ts';
import { ToolSpecSchema } from '../../backend/skill-request.ts';

/** A LangChain tool, or a tool definition already in OpenAI form. */
export type ToolLike = Parameters<typeof convertToOpenAITool>[0];

/**
 * The tools as chat templates and HTTP APIs expect them: `{ type: "function", function: { name, description, parameters } }` with JSON schema parameters.
 * The schema's `$schema` dialect URI is dropped: it says nothing about the arguments, and every prompt would pay its tokens.
 */
export function toolSpecs(tools: readonly ToolLike[]): ToolSpec[] {
  return tools.map((tool) => {
    const spec = ToolSpecSchema.parse(convertToOpenAITool(tool));
    const { $schema: _dialect, ...parameters } = spec.function.parameters;
    return { ...spec, function: { ...spec.function, parameters } };
  });
}
