import { AIMessageChunk } from '@langchain/core/messages';
import type { InvalidToolCall, ToolCallChunk } from '@langchain/core/messages/tool';
import { ChatGenerationChunk } from '@langchain/core/outputs';
import type { BackendToolCall, InvalidToolCall as BackendInvalidToolCall, SkillDelta, SkillResult } from '../../backend/skill-result.ts';
import { SKILL_KEY } from './step-history.ts';
import { RAW_TEXT_KEY } from './to-chat-messages.ts';

/** A tool call as the backend gave it: parsed (argsText is JSON), or malformed with why. */
type CallPiece = Pick<Extract<SkillDelta, { type: 'tool-call' }>, 'id' | 'name' | 'argsText' | 'error'>;

/**
 * Turns a backend's deltas into LangChain chunks: visible text as it comes
 * (trimmed at both ends, like the parsed reply), each tool call as a
 * `tool_call_chunks` entry with its own index, and a last chunk with usage,
 * metadata and the raw turn. Calls the result has but the stream did not
 * deliver (a block cut off by the end of generation) come before the last
 * chunk. Invoke and stream both go through it, so they agree chunk for chunk.
 */
export class ReplyChunks {
  private calls = 0;
  private readonly streamed = new Set<string>();
  private started = false;
  private heldSpace = '';
  /** the malformed calls with the backend's errors (LangChain's chunk merge only says "Malformed args.") */
  readonly malformed: InvalidToolCall[] = [];

  push(delta: SkillDelta): ChatGenerationChunk[] {
    return delta.type === 'text' ? this.textChunks(delta.text) : [this.callChunk(delta)];
  }

  /** The held tail, calls not streamed, and the final chunk. */
  end(result: SkillResult, skill: string | null, metadata: Record<string, unknown>): ChatGenerationChunk[] {
    const late = [...result.toolCalls.filter((call) => !this.streamed.has(call.id)).map(parsedDelta), ...result.invalidToolCalls.filter((call) => !this.streamed.has(call.id)).map(malformedDelta)];
    const chunks = late.map((call) => this.callChunk(call));
    const finishReason = result.finishReason === 'tool-calls' ? 'tool_calls' : result.finishReason;
    const { promptTokens, cachedTokens, completionTokens } = result.usage;
    const message = new AIMessageChunk({
      content: '',
      // the raw turn renders back exactly as generated, so the next prompt extends the cache; the skill, so its prompt is restored
      additional_kwargs: { [RAW_TEXT_KEY]: result.message.content ?? '', [SKILL_KEY]: skill },
      response_metadata: { finish_reason: finishReason, model_provider: 'plugboard', ...metadata, timings: result.timings },
      usage_metadata: { input_tokens: promptTokens, output_tokens: completionTokens, total_tokens: promptTokens + completionTokens, input_token_details: { cache_read: cachedTokens } },
    });
    chunks.push(new ChatGenerationChunk({ text: '', message, generationInfo: { finish_reason: finishReason } }));
    return chunks;
  }

  private textChunks(text: string): ChatGenerationChunk[] {
    const visible = this.trimmed(text);
    return visible === '' ? [] : [new ChatGenerationChunk({ text: visible, message: new AIMessageChunk({ content: visible }) })];
  }

  /** Leading whitespace is dropped, trailing whitespace held until more text follows (and dropped at the end). */
  private trimmed(text: string): string {
    let out = this.heldSpace + text;
    if (!this.started) out = out.trimStart();
    this.started ||= out !== '';
    const kept = out.trimEnd();
    this.heldSpace = out.slice(kept.length);
    return kept;
  }

  private callChunk(call: CallPiece): ChatGenerationChunk {
    const index = this.calls++;
    this.streamed.add(call.id);
    let chunk: ToolCallChunk;
    if (call.error === undefined) {
      chunk = { id: call.id, name: call.name, args: call.argsText, index, type: 'tool_call_chunk' };
    } else {
      const name = call.name === '' ? undefined : call.name;
      this.malformed.push({ id: call.id, name, args: call.argsText, error: call.error, type: 'invalid_tool_call' });
      // no id: LangChain's merge then reports it as invalid, however the text happens to parse
      chunk = { name, args: call.argsText, index, type: 'tool_call_chunk' };
    }
    return new ChatGenerationChunk({ text: '', message: new AIMessageChunk({ content: '', tool_call_chunks: [chunk] }) });
  }
}

function parsedDelta(call: BackendToolCall): CallPiece {
  return { id: call.id, name: call.name, argsText: JSON.stringify(call.args) };
}

function malformedDelta(call: BackendInvalidToolCall): CallPiece {
  return { id: call.id, name: call.name ?? '', argsText: call.raw, error: call.error };
}
