import { convertToOpenAITool } from '@langchain/core/utils/function_calling';

/** A LangChain tool, or a tool definition already in OpenAI form. */
export type ToolLike = Parameters<typeof convertToOpenAITool>[0];

/** The tools as chat templates expect them: `{ type: "function", function: { name, description, parameters } }` with JSON schema parameters. */
export function toolSpecs(tools: readonly ToolLike[]): unknown[] {
  return tools.map((tool) => convertToOpenAITool(tool));
}
