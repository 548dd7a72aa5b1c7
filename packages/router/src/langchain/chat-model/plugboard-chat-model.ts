import { randomUUID } from 'node:crypto';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseChatModelCallOptions, BaseChatModelParams, BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk } from '@langchain/core/outputs';
import type { ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import type { ActivationMode, GeneratedToken, GenerationResult, GenerationStream, TurnAdapter } from '@plugboard/core';
import type { GenerationDefaults } from '@plugboard/skills';
import type { ChatRuntime } from '../../backend/local/chat-runtime.ts';
import { ToolCallSplitter } from '../../agent/tool-calls/tool-call-splitter.ts';
import { toolSpecs } from '../../agent/tools/tool-specs.ts';
import { TranscriptSession } from '../../backend/local/transcript-session.ts';
import { aiMessageParts, usageOf } from './ai-message-parts.ts';
import { toChatMessages } from './to-chat-messages.ts';

export interface PlugboardChatModelCallOptions extends BaseChatModelCallOptions {
  /** tools rendered into the prompt (set by bindTools) */
  tools?: BindToolsInput[];
  /** the resident adapter this call runs with (null/omitted: the model's default) — skillRouterMiddleware sets it per call */
  adapter?: TurnAdapter | null;
  /** how the adapter applies over the cached prefix (default `activated`) */
  activation?: ActivationMode;
  /** sampling for this call, over the model's own */
  generation?: GenerationDefaults;
}

export interface PlugboardChatModelFields extends BaseChatModelParams {
  /** the loaded model (or a ScriptedGeneration's host over it) */
  runtime: ChatRuntime;
  /** default sampling */
  generation?: GenerationDefaults;
  /** default adapter slot for calls that do not name one (null: the base model) */
  adapter?: TurnAdapter | null;
}

/**
 * A LangChain chat model over the local runtime. Prompts are rendered with
 * the model's chat template (bound tools included); `<tool_call>{json}</tool_call>`
 * output becomes `AIMessage.tool_calls`. One KV cache is kept across calls, so
 * an agent's growing transcript is prefilled once.
 */
export class PlugboardChatModel extends BaseChatModel<PlugboardChatModelCallOptions, AIMessageChunk> {
  readonly runtime: ChatRuntime;
  private readonly generation: GenerationDefaults;
  private readonly adapter: TurnAdapter | null;
  private readonly session: TranscriptSession;

  constructor(fields: PlugboardChatModelFields) {
    const { runtime, generation = {}, adapter = null, ...rest } = fields;
    super(rest);
    this.runtime = runtime;
    this.generation = generation;
    this.adapter = adapter;
    this.session = new TranscriptSession(runtime);
  }

  static override lc_name(): string {
    return 'PlugboardChatModel';
  }

  _llmType(): string {
    return 'plugboard';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<PlugboardChatModelCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, PlugboardChatModelCallOptions> {
    return this.withConfig({ ...kwargs, tools });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const stream = this.start(messages, options);
    for await (const token of stream) if (token.text !== '') await runManager?.handleLLMNewToken(token.text);
    const result = await firstResult(stream);
    const parts = aiMessageParts(result, callIdPrefix());
    const message = new AIMessage({ ...parts, usage_metadata: usageOf(result) });
    return { generations: [{ text: parts.content, message, generationInfo: { finish_reason: result.finishReason } }] };
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const stream = this.start(messages, options);
    // tool-call markup is held back while streaming; the calls arrive whole in the last chunk
    const splitter = new ToolCallSplitter();
    for await (const token of stream) {
      const { text } = splitter.push(token.text);
      if (text === '') continue;
      yield new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text }) });
      await runManager?.handleLLMNewToken(text);
    }
    const result = await firstResult(stream);
    const tail = splitter.end().text;
    const { content: _content, tool_calls, ...parts } = aiMessageParts(result, callIdPrefix());
    const message = new AIMessageChunk({
      ...parts,
      content: tail,
      tool_call_chunks: tool_calls.map((call, index) => ({ id: call.id, name: call.name, args: JSON.stringify(call.args), index, type: 'tool_call_chunk' as const })),
      usage_metadata: usageOf(result),
    });
    yield new ChatGenerationChunk({ text: tail, message, generationInfo: { finish_reason: result.finishReason } });
  }

  private start(messages: BaseMessage[], options: this['ParsedCallOptions']): GenerationStream<GeneratedToken, GenerationResult[]> {
    const tools = options.tools ?? [];
    const prompt = this.runtime.chatTemplate().render({
      messages: toChatMessages(messages),
      tools: tools.length > 0 ? toolSpecs(tools) : undefined,
      addGenerationPrompt: true,
    });
    const stop = options.stop ?? [];
    return this.session.generate(prompt, {
      ...this.generation,
      ...options.generation,
      ...(stop.length > 0 ? { stopStrings: stop } : {}),
      adapter: options.adapter === undefined ? this.adapter : options.adapter,
      mode: options.activation ?? 'activated',
      signal: options.signal,
    });
  }
}

async function firstResult(stream: GenerationStream<GeneratedToken, GenerationResult[]>): Promise<GenerationResult> {
  const [result] = await stream.result;
  return result as GenerationResult;
}

/** Tool-call ids must stay unique over a whole LangChain conversation. */
function callIdPrefix(): string {
  return `call_${randomUUID().slice(0, 8)}_`;
}
