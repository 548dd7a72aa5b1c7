import { PlugboardError } from '@plugboard/core';
import type { ChatMessage } from '@plugboard/core';
import type { StepState } from '@plugboard/router';
import type { ChatCompletionRequest } from './chat-request.ts';

type Message = ChatCompletionRequest['messages'][number];

function textOf(content: Message['content']): string | null {
  if (content === undefined || content === null) return null;
  if (typeof content === 'string') return content;
  return content.map((part) => {
    if (part.type !== 'text' || part.text === undefined) throw new PlugboardError('UNSUPPORTED_FEATURE', `message content part "${part.type}" is not supported: this is a text model; send text parts only`);
    return part.text;
  }).join('');
}

function toMessage(message: Message): ChatMessage {
  const role = message.role === 'developer' ? 'system' : message.role;
  return {
    role,
    content: textOf(message.content),
    ...(message.name === undefined ? {} : { name: message.name }),
    ...(message.tool_call_id === undefined ? {} : { tool_call_id: message.tool_call_id }),
    ...(message.tool_calls === undefined ? {} : { tool_calls: message.tool_calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.function.name, arguments: c.function.arguments } })) }),
  } as ChatMessage;
}

/** The routed step's state for an OpenAI body (everything but routing: the caller pins or routes). */
export function stepStateOf(body: ChatCompletionRequest, seedOffset: number): Omit<StepState, 'pinned' | 'signal'> {
  if (body.logprobs === true || (body.top_logprobs ?? 0) > 0) {
    throw new PlugboardError('UNSUPPORTED_FEATURE', 'logprobs are not available from this backend: drop "logprobs" and "top_logprobs" from the request', { details: { param: 'logprobs' } });
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const stop = body.stop === undefined || body.stop === null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  const seed = body.seed === undefined || body.seed === null ? undefined : body.seed + seedOffset;
  const choice = body.tool_choice;
  const format = body.response_format;
  if (format?.type === 'json_object') throw new PlugboardError('UNSUPPORTED_FEATURE', 'response_format "json_object" is not supported: send { type: "json_schema", json_schema: { name, schema } }', { details: { param: 'response_format' } });
  return {
    messages: body.messages.map(toMessage),
    tools: (body.tools ?? []).map((t) => ({ type: 'function' as const, function: { name: t.function.name, ...(t.function.description === undefined ? {} : { description: t.function.description }), parameters: t.function.parameters ?? { type: 'object', properties: {} } } })),
    sampling: {
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(body.temperature === undefined || body.temperature === null ? {} : { temperature: body.temperature }),
      ...(body.top_p === undefined || body.top_p === null ? {} : { topP: body.top_p }),
      ...(seed === undefined ? {} : { seed }),
      ...(stop.length === 0 ? {} : { stopStrings: stop }),
    },
    ...(choice === undefined || choice === null ? {} : { toolChoice: typeof choice === 'string' ? choice : { name: choice.function.name } }),
    ...(format?.type === 'json_schema' ? { responseFormat: { type: 'json_schema' as const, schema: format.json_schema.schema ?? {}, name: format.json_schema.name } } : {}),
  };
}
