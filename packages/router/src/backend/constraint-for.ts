import type { ConstraintSpec } from '@plugboard/core';
import type { SkillRequest } from './skill-request.ts';

export interface ConstraintPolicy {
  /** also constrain `toolChoice: 'auto'` steps that offer tools (the reply is free text or well-formed calls) */
  constrainAutoToolCalls?: boolean;
}

/**
 * The declarative constraint (core's one contract) a request asks for: its
 * JSON Schema response format, or tool calls under a choice that demands one
 * (`required`, `{ name }`). A step that may answer freely (`auto`, unless the
 * policy or the request's `constrained: true` says otherwise) or may not call
 * tools (`none`) is unconstrained, and so is any request with `constrained: false`.
 */
export function constraintFor(request: Pick<SkillRequest, 'tools' | 'toolChoice' | 'responseFormat' | 'constrained'>, policy: ConstraintPolicy = {}): ConstraintSpec | undefined {
  if (request.constrained === false) return undefined;
  if (request.responseFormat.type === 'json_schema') {
    const { schema, name } = request.responseFormat;
    return name === undefined ? { type: 'json_schema', schema } : { type: 'json_schema', schema, name };
  }
  const choice = request.toolChoice;
  if (request.tools.length === 0 || choice === 'none') return undefined;
  if (choice === 'auto' && !(request.constrained ?? policy.constrainAutoToolCalls)) return undefined;
  const tools = request.tools.map(({ function: f }) => (f.description === undefined ? { name: f.name, parameters: f.parameters } : { name: f.name, description: f.description, parameters: f.parameters }));
  return { type: 'tool_calls', tools, toolChoice: choice };
}
