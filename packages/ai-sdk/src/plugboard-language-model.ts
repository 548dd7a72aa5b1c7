import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Content, LanguageModelV4FinishReason, LanguageModelV4GenerateResult, LanguageModelV4StreamPart, LanguageModelV4StreamResult, LanguageModelV4Usage, SharedV4ProviderMetadata, SharedV4Warning } from '@ai-sdk/provider';
import type { ToolChoice } from '@plugboard/core';
import { restoreSkillPrompts, routedStep } from '@plugboard/router';
import type { ResponseFormat, SkillResult, StepDecision, StepParts, StepState, ToolSpec } from '@plugboard/router';
import type { GenerationDefaults } from '@plugboard/skills';
import type { PlugboardReplyMetadata } from './prompt-to-messages.ts';
import { promptToMessages } from './prompt-to-messages.ts';

/** `auto`: routed per call; a skill name: pinned to that skill. */
export type PlugboardModelId = 'auto' | (string & Record<never, never>);

/**
 * An AI SDK language model (specification v4, the `ai` 7 line) over a
 * SkillBackend: every call is one `routedStep`, so routing, skill prompts,
 * KV reuse and tool-call parsing are the agent's own.
 */
export class PlugboardLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'plugboard';
  readonly supportedUrls = {};

  constructor(
    readonly modelId: PlugboardModelId,
    private readonly parts: StepParts,
    private readonly generation: GenerationDefaults = {},
  ) {}

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { state, warnings } = this.stateOf(options);
    const step = await routedStep(state, this.parts);
    const result = await step.stream.result;
    const metadata = this.metadataOf(result, step.decision);
    const content: LanguageModelV4Content[] = [];
    if (result.text !== '') content.push({ type: 'text', text: result.text, providerMetadata: metadata });
    for (const call of result.toolCalls) content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: JSON.stringify(call.args), providerMetadata: metadata });
    // the raw turn must come back on the next call even when it was only tool calls with no text
    if (content.length === 0) content.push({ type: 'text', text: '', providerMetadata: metadata });
    return { content, finishReason: finishOf(result), usage: usageOf(result), warnings, providerMetadata: metadata, response: { modelId: step.decision.skill ?? 'base' } };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { state, warnings } = this.stateOf(options);
    const step = await routedStep(state, this.parts);
    const metadataOf = (result: SkillResult) => this.metadataOf(result, step.decision);
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      async start(controller) {
        controller.enqueue({ type: 'stream-start', warnings });
        controller.enqueue({ type: 'response-metadata', modelId: step.decision.skill ?? 'base' });
        let textOpen = false;
        try {
          for await (const delta of step.stream) {
            if (delta.type === 'text') {
              if (!textOpen) controller.enqueue({ type: 'text-start', id: 'text' });
              textOpen = true;
              controller.enqueue({ type: 'text-delta', id: 'text', delta: delta.text });
            }
          }
          const result = await step.stream.result;
          const metadata = metadataOf(result);
          if (!textOpen) controller.enqueue({ type: 'text-start', id: 'text' });
          controller.enqueue({ type: 'text-end', id: 'text', providerMetadata: metadata });
          for (const call of result.toolCalls) controller.enqueue({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: JSON.stringify(call.args), providerMetadata: metadata });
          controller.enqueue({ type: 'finish', finishReason: finishOf(result), usage: usageOf(result), providerMetadata: metadata });
          controller.close();
        } catch (error) {
          controller.enqueue({ type: 'error', error });
          controller.close();
        }
      },
    });
    return { stream };
  }

  private stateOf(options: LanguageModelV4CallOptions): { state: StepState; warnings: SharedV4Warning[] } {
    const warnings: SharedV4Warning[] = [];
    for (const setting of ['presencePenalty', 'frequencyPenalty'] as const) {
      if (options[setting] !== undefined) warnings.push({ type: 'unsupported', feature: setting });
    }
    const tools: ToolSpec[] = [];
    for (const tool of options.tools ?? []) {
      if (tool.type === 'function') tools.push({ type: 'function', function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: tool.inputSchema as Record<string, unknown> } });
      else warnings.push({ type: 'unsupported', feature: `provider tool ${tool.name}` });
    }
    const { messages, current } = restoreSkillPrompts(promptToMessages(options.prompt), this.parts.registry);
    const sampling: GenerationDefaults = {
      ...this.generation,
      ...(options.maxOutputTokens === undefined ? {} : { maxTokens: options.maxOutputTokens }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.topP === undefined ? {} : { topP: options.topP }),
      ...(options.topK === undefined ? {} : { topK: options.topK }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.stopSequences === undefined || options.stopSequences.length === 0 ? {} : { stopStrings: options.stopSequences }),
    };
    const state: StepState = {
      messages,
      current,
      tools,
      sampling,
      ...(this.modelId === 'auto' ? {} : { pinned: this.modelId }),
      ...(options.toolChoice === undefined ? {} : { toolChoice: toolChoiceOf(options.toolChoice) }),
      ...(options.responseFormat?.type === 'json' ? { responseFormat: responseFormatOf(options.responseFormat) } : {}),
      ...(options.abortSignal === undefined ? {} : { signal: options.abortSignal }),
    };
    return { state, warnings };
  }

  private metadataOf(result: SkillResult, decision: StepDecision): SharedV4ProviderMetadata {
    const reply: PlugboardReplyMetadata = { rawText: result.message.content ?? '', skill: decision.skill };
    return { plugboard: { ...reply, reason: decision.reason } };
  }
}

function toolChoiceOf(choice: NonNullable<LanguageModelV4CallOptions['toolChoice']>): ToolChoice {
  return choice.type === 'tool' ? { name: choice.toolName } : choice.type;
}

function responseFormatOf(format: { schema?: unknown; name?: string }): ResponseFormat {
  const schema = (format.schema ?? {}) as Record<string, unknown>;
  return format.name === undefined ? { type: 'json_schema', schema } : { type: 'json_schema', schema, name: format.name };
}

function finishOf(result: SkillResult): LanguageModelV4FinishReason {
  const unified = result.finishReason === 'aborted' ? 'interrupted' : result.finishReason;
  return { unified, raw: result.finishReason };
}

function usageOf(result: SkillResult): LanguageModelV4Usage {
  const { promptTokens, cachedTokens, completionTokens } = result.usage;
  return {
    inputTokens: { total: promptTokens, noCache: promptTokens - cachedTokens, cacheRead: cachedTokens, cacheWrite: undefined },
    outputTokens: { total: completionTokens, text: completionTokens, reasoning: undefined },
  };
}
