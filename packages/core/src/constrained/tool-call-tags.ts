/**
 * The Qwen/Hermes tool-call markup: `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`.
 * Core owns the tags (the constrained decoder writes them, the agent parses them).
 */
export const TOOL_CALL_OPEN = '<tool_call>';
export const TOOL_CALL_CLOSE = '</tool_call>';
