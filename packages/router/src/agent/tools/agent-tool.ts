import type { StructuredToolInterface } from '@langchain/core/tools';

/** A tool the agent may call: any LangChain `tool()` / StructuredTool (zod schema). */
export type AgentTool = StructuredToolInterface;
