import { randomUUID } from 'node:crypto';
import { AIMessageChunk } from '@langchain/core/messages';
import type { InvalidToolCall, ToolCallChunk } from '@langchain/core/messages/tool';
import { ChatGenerationChunk } from '@langchain/core/outputs';
import type { GenerationResult } from '@plugboard/core';
import { isParsedToolCall, parseToolCalls } from '../../agent/tool-calls/parse-tool-calls.ts';
import type { ToolCallAttempt } from '../../agent/tool-calls/parse-tool-calls.ts';
import { TOOL_CALL_CLOSE, TOOL_CALL_OPEN } from '@plugboard/core';
import { ToolCallSplitter } from '../../agent/tool-calls/tool-call-splitter.ts';
import { RAW_TEXT_KEY } from './to-chat-messages.ts';

/**
 * Turns the streamed text of one generation into LangChain chunks: visible
 * text as it becomes safe to show (trimmed at both ends, like the parsed
 * reply), each `<tool_call>` as a `tool_call_chunks` entry with its own index
 * the moment its block closes, and a last chunk with usage and metadata.
 * Invoke and stream both go through it, so they agree chunk for chunk.
 */
export class ReplyChunks {
  private readonly splitter: ToolCallSplitter | null;
  /** tool-call ids must stay unique over a whole LangChain conversation */
  private readonly idPrefix = `call_${randomUUID().slice(0, 8)}_`;
  private calls = 0;
  private started = false;
  private heldSpace = '';
  /** the malformed calls with our own errors (LangChain's chunk merge only says "Malformed args.") */
  readonly malformed: InvalidToolCall[] = [];

  /** parseToolCalls false: the text stays text (tool_choice "none") */
  constructor(parseToolCalls: boolean) {
    this.splitter = parseToolCalls ? new ToolCallSplitter() : null;
  }

  push(text: string): ChatGenerationChunk[] {
    if (this.splitter === null) return this.textChunks(text);
    const split = this.splitter.push(text);
    return [...this.textChunks(split.text), ...split.calls.map((body) => this.callChunk(body, true))];
  }

  /** The held tail, a tool call cut off by the end of generation, and the final chunk. */
  end(result: GenerationResult, metadata: Record<string, unknown>): ChatGenerationChunk[] {
    const chunks: ChatGenerationChunk[] = [];
    if (this.splitter !== null) {
      const rest = this.splitter.end();
      chunks.push(...this.textChunks(rest.text));
      if (rest.unterminated !== null) chunks.push(this.callChunk(rest.unterminated, false));
    }
    const message = new AIMessageChunk({
      content: '',
      additional_kwargs: { [RAW_TEXT_KEY]: result.text },
      response_metadata: { finish_reason: result.finishReason, model_provider: 'plugboard', ...metadata, timings: result.timings },
      usage_metadata: usageOf(result),
    });
    chunks.push(new ChatGenerationChunk({ text: '', message, generationInfo: { finish_reason: result.finishReason } }));
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

  private callChunk(body: string, closed: boolean): ChatGenerationChunk {
    const index = this.calls++;
    // one block in, one attempt out: the same parser for closed and cut-off blocks
    const attempt = parseToolCalls(`${TOOL_CALL_OPEN}${body}${closed ? TOOL_CALL_CLOSE : ''}`, `${this.idPrefix}${index}_`).calls[0] as ToolCallAttempt;
    let chunk: ToolCallChunk;
    if (isParsedToolCall(attempt)) {
      chunk = { id: attempt.id, name: attempt.name, args: JSON.stringify(attempt.args), index, type: 'tool_call_chunk' };
    } else {
      const name = attempt.name ?? undefined;
      this.malformed.push({ id: attempt.id, name, args: attempt.raw, error: attempt.error, type: 'invalid_tool_call' });
      // no id: LangChain's merge then reports it as invalid, however the text happens to parse
      chunk = { name, args: attempt.raw, index, type: 'tool_call_chunk' };
    }
    return new ChatGenerationChunk({ text: '', message: new AIMessageChunk({ content: '', tool_call_chunks: [chunk] }) });
  }
}

function usageOf(result: GenerationResult): { input_tokens: number; output_tokens: number; total_tokens: number } {
  const { promptTokens, generatedTokens } = result.timings;
  return { input_tokens: promptTokens, output_tokens: generatedTokens, total_tokens: promptTokens + generatedTokens };
}
