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
import type { SamplingOptions } from '@plugboard/core';
import type { GenerationDefaults, SkillRegistry } from '@plugboard/skills';
import { toolSpecs } from '../../agent/tools/tool-specs.ts';
import { findSkill, toRegistry } from '../../backend/local/skill-adapters.ts';
import type { SkillSource } from '../../backend/local/skill-adapters.ts';
import type { SkillBackend } from '../../backend/skill-backend.ts';
import { startStep } from '../../step/routed-step.ts';
import type { StepState } from '../../step/routed-step.ts';
import { effectiveSampling, samplingOfFields } from './chat-sampling.ts';
import type { ChatSamplingFields } from './chat-sampling.ts';
import { ConstrainedTurns } from './constrained-turns.ts';
import { ReplyChunks } from './reply-chunks.ts';
import { jsonFormatOf, withFormatInstruction } from './response-format.ts';
import type { ResponseFormat } from './response-format.ts';
import { stepHistory } from './step-history.ts';
import { structuredOutput } from './structured-output.ts';
import type { PlugboardStructuredOutputOptions, StructuredOutputSchema } from './structured-output.ts';
import { constrainedTools, isForcedToolChoice, toToolChoice } from './tool-choice.ts';

export interface PlugboardChatModelCallOptions extends BaseChatModelCallOptions {
  /** tools rendered into the prompt (set by bindTools) */
  tools?: BindToolsInput[];
  /**
   * the skill this call runs: its adapter, its system prompt where it takes
   * over, its sampling defaults; null: the base model; omitted: the
   * constructor's. skillRouterMiddleware sets it per call (the routed skill).
   * Tracing reports it (`ls_model_name`, `plugboard_skill`, `response_metadata.skill`).
   */
  skill?: string | null;
  /** sampling for this call, over the constructor's */
  generation?: GenerationDefaults;
  /** OpenAI-style: `{type: "json_schema", json_schema: {name, schema}}` asks for one JSON value of the schema (withStructuredOutput's `jsonSchema`, createAgent's providerStrategy) */
  response_format?: ResponseFormat;
  /**
   * decode under a token mask so tool calls / JSON always parse. Default: on
   * when the output is forced (`response_format`, or `tool_choice`
   * "any"/"required"/a tool name), off otherwise. Where the backend cannot
   * decode constrained the call runs unconstrained and
   * `response_metadata.constrained` is false.
   */
  constrained?: boolean;
}

export interface PlugboardChatModelFields extends BaseChatModelParams, ChatSamplingFields {
  /** generates every call: a LocalBackend over a loaded model (and its bank), or any SkillBackend */
  backend: SkillBackend;
  /** the skills a call may run (their system prompts and sampling defaults); default none */
  skills?: SkillSource;
  /** the skill calls run when they name none (default null: the base model) */
  skill?: string | null;
  /** the name tracing and response_metadata report for the base model (default: the backend's model) */
  modelName?: string;
  /** default sampling in core's terms; the LangChain-named fields above win over it */
  generation?: GenerationDefaults;
  /** the backend conversation (adapter lane) calls run on and swaps are reported under */
  conversation?: string;
}

/** Constructor fields that describe the model in toJSON(); the backend and skills are live objects and stay out. */
const SERIALIZABLE_FIELDS = ['modelName', 'skill', 'temperature', 'maxTokens', 'topP', 'topK', 'seed', 'stopSequences', 'generation'];

/**
 * A LangChain chat model over a SkillBackend: every call is one step of the
 * controller (`startStep`): the transcript with each skill's prompt where it
 * took over, the call's skill, bound tools, tool choice and response format
 * go to the backend, whose text and tool-call deltas become chunks. invoke,
 * stream and batch all return AIMessageChunks (LangChain's parsers require
 * chunks). Each reply carries its raw text and skill, so the next call's
 * prompt extends this one and a LocalBackend prefills only the new tail.
 */
export class PlugboardChatModel extends BaseChatModel<PlugboardChatModelCallOptions, AIMessageChunk> {
  readonly backend: SkillBackend;
  readonly modelName: string;
  /** the skill of calls that name none (null: the base model) */
  readonly skill: string | null;
  private readonly registry: SkillRegistry;
  /** the constructor's sampling, core-named (LangChain-named fields over `generation`) */
  private readonly sampling: GenerationDefaults;
  private readonly conversation: string | undefined;
  private readonly turns = new ConstrainedTurns();

  override lc_serializable = true;

  constructor(fields: PlugboardChatModelFields) {
    super(fields);
    const { backend, generation = {}, skill = null, modelName, conversation } = fields;
    if (backend === undefined || backend === null) {
      throw new PlugboardError('INVALID_ARGUMENT', 'PlugboardChatModel needs { backend }: a SkillBackend, e.g. new LocalBackend({ model, bank, skills }) over a loaded model');
    }
    this.backend = backend;
    this.registry = toRegistry(fields.skills ?? []);
    if (skill !== null) findSkill(this.registry, skill);
    this.skill = skill;
    this.modelName = modelName ?? backend.describe().model;
    this.sampling = { ...generation, ...samplingOfFields(fields) };
    effectiveSampling(this.sampling); // bad values fail here, not at the first call
    this.conversation = conversation;
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

  /** LangSmith's params plus `plugboard_skill`: callbacks receive them as the run's metadata. */
  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams & { plugboard_skill: string | null } {
    const sampling = this.callSampling(options);
    const skill = this.callSkill(options);
    return {
      ls_provider: 'plugboard',
      ls_model_name: skill ?? this.modelName,
      ls_model_type: 'chat',
      ls_temperature: sampling.temperature,
      ls_max_tokens: sampling.maxTokens,
      ls_stop: sampling.stopStrings,
      plugboard_skill: skill,
    };
  }

  override invocationParams(options?: this['ParsedCallOptions']): Record<string, unknown> {
    return { model_name: this.callSkill(options ?? {}) ?? this.modelName, ...this.callSampling(options ?? {}) };
  }

  /** What tells this model's cached replies from another's when models share a LangChain cache. */
  override _identifyingParams(): Record<string, unknown> {
    return { model_name: this.modelName, skill: this.skill, ...this.sampling };
  }

  /** Counted with the model's own tokenizer where the backend has it (LangChain's default would fetch a tiktoken table and count for another model), else about 4 characters a token. */
  override async getNumTokens(content: MessageContent): Promise<number> {
    // a message's .text is LangChain's own reading of text out of content blocks
    const text = new HumanMessage({ content }).text;
    return this.backend.countTokens?.(text) ?? Math.ceil(text.length / 4);
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
    // the backend's parse errors say what was wrong; LangChain's merge of the chunks only says "Malformed args."
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
    const { state, skill, asked } = this.prepare(messages, options);
    const chunker = new ReplyChunks();
    const metadata: Record<string, unknown> = { model_name: skill ?? this.modelName, skill };
    const parts = { backend: this.backend, registry: this.registry };
    const turns = this.turns;
    async function* chunks(): AsyncGenerator<ChatGenerationChunk> {
      // an already-aborted call never starts a generation
      options.signal?.throwIfAborted();
      const stream = turns.generate(asked, (constrained) => startStep({ ...state, constrained }, skill, parts).stream);
      for await (const delta of stream) {
        for (const chunk of chunker.push(delta)) {
          yield chunk;
          if (chunk.text !== '') await runManager?.handleLLMNewToken(chunk.text, undefined, undefined, undefined, undefined, { chunk });
        }
      }
      const { result, constrained } = await stream.result;
      if (constrained !== null) metadata.constrained = constrained;
      for (const chunk of chunker.end(result, skill, metadata)) yield chunk;
    }
    return { chunks: chunks(), malformed: chunker.malformed };
  }

  /** The step of one call: transcript, skill, tools, tool choice, response format, and whether to ask for a constraint. */
  private prepare(messages: BaseMessage[], options: this['ParsedCallOptions']): { state: StepState; skill: string | null; asked: boolean } {
    const specs = (options.tools ?? []).length > 0 ? toolSpecs(options.tools ?? []) : [];
    const tools = options.tool_choice !== undefined || options.constrained === true ? constrainedTools(specs) : [];
    const toolChoice = toToolChoice(options.tool_choice, tools);
    const format = jsonFormatOf(options.response_format);
    let asked = false;
    if (format !== null) asked = options.constrained ?? true;
    else if (specs.length > 0) asked = options.constrained ?? isForcedToolChoice(toolChoice);
    else if (options.constrained === true) {
      throw new PlugboardError('INVALID_ARGUMENT', 'constrained: true needs something to constrain: bind tools (bindTools) or ask for a JSON reply (withStructuredOutput)');
    }
    const skill = this.callSkill(options);
    const history = stepHistory(messages, this.registry);
    const state: StepState = {
      messages: format === null ? history.messages : withFormatInstruction(history.messages, format),
      current: history.current,
      tools: specs,
      toolChoice,
      sampling: this.samplingLayers(options),
      ...(format === null ? {} : { responseFormat: format.name === undefined ? { type: 'json_schema', schema: format.schema } : { type: 'json_schema', schema: format.schema, name: format.name } }),
      ...(this.conversation === undefined ? {} : { conversation: this.conversation }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    return { state, skill, asked };
  }

  private callSkill(options: Partial<PlugboardChatModelCallOptions>): string | null {
    return options.skill === undefined ? this.skill : options.skill;
  }

  /** Constructor sampling < the call's `generation` < the call's `stop`, as set (the backend fills in defaults). */
  private samplingLayers(options: Partial<PlugboardChatModelCallOptions>): GenerationDefaults {
    const stop = options.stop ?? [];
    return { ...this.sampling, ...options.generation, ...(stop.length > 0 ? { stopStrings: stop } : {}) };
  }

  /** The sampling a call uses, defaults filled in (what tracing reports). */
  private callSampling(options: Partial<PlugboardChatModelCallOptions>): SamplingOptions {
    return effectiveSampling(this.samplingLayers(options));
  }
}
