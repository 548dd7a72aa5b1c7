import { basename } from 'node:path';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput, StructuredOutputMethodOptions } from '@langchain/core/language_models/base';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseChatModelCallOptions, BaseChatModelParams, BindToolsInput, LangSmithParams } from '@langchain/core/language_models/chat_models';
import { HumanMessage } from '@langchain/core/messages';
import type { AIMessageChunk, BaseMessage, MessageContent } from '@langchain/core/messages';
import type { ChatGenerationChunk, ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import type { SerializableSchema } from '@langchain/core/utils/standard_schema';
import type { InteropZodType } from '@langchain/core/utils/types';
import { PlugboardError } from '@plugboard/core';
import type { ActivationMode, ConstraintSpec, SamplingOptions, TurnAdapter, TurnOptions } from '@plugboard/core';
import type { GenerationDefaults } from '@plugboard/skills';
import type { ChatRuntime } from '../../backend/local/chat-runtime.ts';
import { toolSpecs } from '../../agent/tools/tool-specs.ts';
import { TranscriptSession } from '../../backend/local/transcript-session.ts';
import { effectiveSampling, samplingOfFields } from './chat-sampling.ts';
import type { ChatSamplingFields } from './chat-sampling.ts';
import { ConstrainedTurns } from './constrained-turns.ts';
import { ReplyChunks } from './reply-chunks.ts';
import { formatConstraint, jsonFormatOf, withFormatInstruction } from './response-format.ts';
import type { ResponseFormat } from './response-format.ts';
import { structuredOutput } from './structured-output.ts';
import type { PlugboardStructuredOutputOptions, StructuredOutputSchema } from './structured-output.ts';
import { toChatMessages } from './to-chat-messages.ts';
import { constrainedTools, isForcedToolChoice, toToolChoice } from './tool-choice.ts';

export interface PlugboardChatModelCallOptions extends BaseChatModelCallOptions {
  /** tools rendered into the prompt (set by bindTools) */
  tools?: BindToolsInput[];
  /** the resident adapter this call runs with (null/omitted: the model's default) — skillRouterMiddleware sets it per call */
  adapter?: TurnAdapter | null;
  /** how the adapter applies over the cached prefix (default `activated`) */
  activation?: ActivationMode;
  /** sampling for this call, over the constructor's */
  generation?: GenerationDefaults;
  /** the skill this call runs as, for tracing (`ls_model_name`, `response_metadata.skill`) */
  skill?: string;
  /** OpenAI-style: `{type: "json_schema", json_schema: {name, schema}}` asks for one JSON value of the schema (withStructuredOutput's `jsonSchema`, createAgent's providerStrategy) */
  response_format?: ResponseFormat;
  /**
   * decode under a token mask (core's ConstraintSpec) so tool calls / JSON
   * always parse. Default: on when the output is forced (`response_format`,
   * or `tool_choice` "any"/"required"/a tool name), off otherwise. Where the
   * runtime has no constrained decoding yet the call runs unconstrained and
   * `response_metadata.constrained` is false.
   */
  constrained?: boolean;
}

export interface PlugboardChatModelFields extends BaseChatModelParams, ChatSamplingFields {
  /** the loaded model (or a ScriptedGeneration's host over it) */
  runtime: ChatRuntime;
  /** the name tracing and response_metadata report (default: the model folder's name, else its architecture) */
  modelName?: string;
  /** default sampling in core's terms; the LangChain-named fields above win over it */
  generation?: GenerationDefaults;
  /** default adapter slot for calls that do not name one (null: the base model) */
  adapter?: TurnAdapter | null;
}

/** Constructor fields that describe the model in toJSON(); the runtime and adapter are live objects and stay out. */
const SERIALIZABLE_FIELDS = ['modelName', 'temperature', 'maxTokens', 'topP', 'topK', 'seed', 'stopSequences', 'generation'];

/**
 * A LangChain chat model over the local runtime. Prompts are rendered with
 * the model's chat template (bound tools included); `<tool_call>{json}</tool_call>`
 * output becomes tool calls. invoke, stream and batch all return
 * AIMessageChunks (LangChain's parsers require chunks). One KV cache is kept
 * across calls, so an agent's growing transcript is prefilled once.
 */
export class PlugboardChatModel extends BaseChatModel<PlugboardChatModelCallOptions, AIMessageChunk> {
  readonly runtime: ChatRuntime;
  readonly modelName: string;
  /** the constructor's sampling, core-named (LangChain-named fields over `generation`) */
  private readonly sampling: GenerationDefaults;
  private readonly adapter: TurnAdapter | null;
  private readonly turns: ConstrainedTurns;

  override lc_serializable = true;

  constructor(fields: PlugboardChatModelFields) {
    super(fields);
    const { runtime, generation = {}, adapter = null, modelName } = fields;
    if (runtime === undefined || runtime === null) {
      throw new PlugboardError('INVALID_ARGUMENT', 'PlugboardChatModel needs { runtime }: a loaded model (loadModel) or a ScriptedGeneration host');
    }
    this.runtime = runtime;
    this.modelName = modelName ?? defaultModelName(runtime);
    this.sampling = { ...generation, ...samplingOfFields(fields) };
    effectiveSampling(this.sampling); // bad values fail here, not at the first call
    this.adapter = adapter;
    this.turns = new ConstrainedTurns(new TranscriptSession(runtime));
  }

  static override lc_name(): string {
    return 'PlugboardChatModel';
  }

  override get lc_serializable_keys(): string[] {
    return SERIALIZABLE_FIELDS;
  }

  _llmType(): string {
    return 'plugboard';
  }

  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams {
    const sampling = this.callSampling(options);
    return {
      ls_provider: 'plugboard',
      ls_model_name: options.skill ?? this.modelName,
      ls_model_type: 'chat',
      ls_temperature: sampling.temperature,
      ls_max_tokens: sampling.maxTokens,
      ls_stop: sampling.stopStrings,
    };
  }

  override invocationParams(options?: this['ParsedCallOptions']): Record<string, unknown> {
    return { model_name: options?.skill ?? this.modelName, ...this.callSampling(options ?? {}) };
  }

  /** What tells this model's cached replies from another's when models share a LangChain cache. */
  override _identifyingParams(): Record<string, unknown> {
    return { model_name: this.modelName, ...this.sampling };
  }

  /** Counted with the model's own tokenizer (LangChain's default would fetch a tiktoken table and count for another model). */
  override async getNumTokens(content: MessageContent): Promise<number> {
    // a message's .text is LangChain's own reading of text out of content blocks
    return this.runtime.tokenizer.encode(new HumanMessage({ content }).text, { addSpecialTokens: false }).length;
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<PlugboardChatModelCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, PlugboardChatModelCallOptions> {
    return this.withConfig({ ...kwargs, tools });
  }

  override withStructuredOutput<RunOutput extends Record<string, unknown> = Record<string, unknown>>(
    schema: SerializableSchema<RunOutput> | InteropZodType<RunOutput> | Record<string, unknown>,
    config?: StructuredOutputMethodOptions<false> & PlugboardStructuredOutputOptions,
  ): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, unknown> = Record<string, unknown>>(
    schema: SerializableSchema<RunOutput> | InteropZodType<RunOutput> | Record<string, unknown>,
    config?: StructuredOutputMethodOptions<true> & PlugboardStructuredOutputOptions,
  ): Runnable<BaseLanguageModelInput, { raw: AIMessageChunk; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends Record<string, unknown> = Record<string, unknown>>(
    schema: StructuredOutputSchema<RunOutput>,
    config?: PlugboardStructuredOutputOptions,
  ): Runnable<BaseLanguageModelInput, RunOutput> | Runnable<BaseLanguageModelInput, { raw: AIMessageChunk; parsed: RunOutput }> {
    return structuredOutput<RunOutput>(this, schema, config);
  }

  /** invoke: the stream's chunks merged, so both paths give the same message. */
  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let merged: ChatGenerationChunk | undefined;
    const reply = this.reply(messages, options, runManager);
    for await (const chunk of reply.chunks) merged = merged === undefined ? chunk : merged.concat(chunk);
    const { generationInfo } = merged as ChatGenerationChunk;
    const message = (merged as ChatGenerationChunk).message as AIMessageChunk;
    // our parse errors say what was wrong; LangChain's merge of the chunks only says "Malformed args."
    if (reply.malformed.length > 0) message.invalid_tool_calls = reply.malformed;
    const usage = message.usage_metadata;
    return {
      generations: [{ text: message.text, message, generationInfo }],
      llmOutput: usage === undefined ? undefined : { tokenUsage: { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens, totalTokens: usage.total_tokens } },
    };
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    yield* this.reply(messages, options, runManager).chunks;
  }

  private reply(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun) {
    const call = this.prepare(messages, options);
    const chunker = new ReplyChunks(call.parseToolCalls);
    const metadata: Record<string, unknown> = { model_name: options.skill ?? this.modelName };
    if (options.skill !== undefined) metadata.skill = options.skill;
    const turns = this.turns;
    async function* chunks(): AsyncGenerator<ChatGenerationChunk> {
      // an already-aborted call never starts a generation
      options.signal?.throwIfAborted();
      const stream = turns.generate(call.prompt, call.turn);
      for await (const token of stream) {
        for (const chunk of chunker.push(token.text)) {
          yield chunk;
          if (chunk.text !== '') await runManager?.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
        }
      }
      const { result, constrained } = await stream.result;
      if (constrained !== null) metadata.constrained = constrained;
      for (const chunk of chunker.end(result, metadata)) yield chunk;
    }
    return { chunks: chunks(), malformed: chunker.malformed };
  }

  /** The prompt and turn options of one call: tools, tool choice, response format and the constraint they imply. */
  private prepare(messages: BaseMessage[], options: this['ParsedCallOptions']): { prompt: string; turn: TurnOptions; parseToolCalls: boolean } {
    const specs = (options.tools ?? []).length > 0 ? toolSpecs(options.tools ?? []) : [];
    const tools = options.tool_choice !== undefined || options.constrained === true ? constrainedTools(specs) : [];
    const choice = toToolChoice(options.tool_choice, tools);
    const format = jsonFormatOf(options.response_format);
    let constraint: ConstraintSpec | undefined;
    if (format !== null) {
      if (options.constrained ?? true) constraint = formatConstraint(format);
    } else if (specs.length > 0) {
      if (options.constrained ?? isForcedToolChoice(choice)) constraint = { type: 'tool_calls', tools, toolChoice: choice };
    } else if (options.constrained === true) {
      throw new PlugboardError('INVALID_ARGUMENT', 'constrained: true needs something to constrain: bind tools (bindTools) or ask for a JSON reply (withStructuredOutput)');
    }
    const chat = format === null ? toChatMessages(messages) : withFormatInstruction(toChatMessages(messages), format);
    // with tool_choice "none" the tools are not offered at all
    const offered = choice === 'none' ? [] : specs;
    const prompt = this.runtime.chatTemplate().render({ messages: chat, tools: offered.length > 0 ? offered : undefined, addGenerationPrompt: true });
    const turn: TurnOptions = {
      ...this.callSampling(options),
      adapter: options.adapter === undefined ? this.adapter : options.adapter,
      mode: options.activation ?? 'activated',
      signal: options.signal,
    };
    if (constraint !== undefined) turn.constraint = constraint;
    return { prompt, turn, parseToolCalls: choice !== 'none' };
  }

  /** Constructor sampling < the call's `generation` < the call's `stop`. */
  private callSampling(options: Partial<PlugboardChatModelCallOptions>): SamplingOptions {
    const stop = options.stop ?? [];
    return effectiveSampling(this.sampling, options.generation ?? {}, stop.length > 0 ? { stopStrings: stop } : {});
  }
}

/** A loaded Model knows its folder; a bare runtime (a scripted host) only its architecture. */
function defaultModelName(runtime: ChatRuntime): string {
  const dir: unknown = Reflect.get(runtime, 'dir');
  return typeof dir === 'string' ? basename(dir) : runtime.config.architecture;
}
