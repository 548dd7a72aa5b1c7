import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { ChatMessage } from '@plugboard/core';
import { findSkill, SkillRequestSchema, toRegistry } from '@plugboard/router';
import type { BackendDescription, BackendToolCall, InvalidToolCall, SkillBackend, SkillDelta, SkillFinishReason, SkillRequest, SkillRequestInput, SkillResult, SkillSource, SkillStream } from '@plugboard/router';
import type { Skill, SkillRegistry } from '@plugboard/skills';
import { z } from 'zod';

export const RemoteEngineSchema = z.enum(['vllm', 'lorax', 'plugboard']);
export type RemoteEngine = z.infer<typeof RemoteEngineSchema>;

export const OpenAICompatibleBackendOptionsSchema = z.object({
  baseURL: z.string().url(),
  apiKey: z.string().default('none'),
  engine: RemoteEngineSchema,
  /** the engine's base model id (vLLM's --model / served name; our server's base name) */
  model: z.string().min(1),
  /** the engine's --max-lora-rank (vLLM's default is 16) */
  maxLoraRank: z.number().int().positive().default(16),
  contextLength: z.number().int().positive().default(4096),
});
export type OpenAICompatibleBackendOptions = z.input<typeof OpenAICompatibleBackendOptionsSchema> & { skills: SkillSource };

/** Why an engine cannot run a skill (null: it can). */
export function unservableReason(engine: RemoteEngine, maxLoraRank: number, skill: Skill): string | null {
  if (engine === 'plugboard') return null;
  if (skill.adapter.kind !== 'lora') return `skill "${skill.manifest.name}" is a bottleneck Adapter, which ${engine} cannot serve (LoRA only): serve it locally, or retrain it as LoRA or LISA-LoRA (plugboard train --method lora|lisa)`;
  if (skill.adapter.rank > maxLoraRank) return `skill "${skill.manifest.name}" has LoRA rank ${skill.adapter.rank}, above the engine's --max-lora-rank ${maxLoraRank}: start ${engine} with --max-lora-rank ${skill.adapter.rank} or more (plugboard deploy vllm sizes it), or retrain at a lower rank`;
  return null;
}

function remoteError(error: unknown, baseURL: string): PlugboardError {
  if (error instanceof PlugboardError) return error;
  if (error instanceof OpenAI.APIUserAbortError) return new PlugboardError('ABORTED', 'generation was aborted', { cause: error });
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    const code = status === 404 ? 'SKILL_NOT_FOUND' : status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : status === 429 ? 'RATE_LIMITED' : status === 400 ? 'INVALID_ARGUMENT' : 'BACKEND_ERROR';
    return new PlugboardError(code, `the engine at ${baseURL} answered ${status ?? 'no status'}: ${error.message}`, { cause: error });
  }
  return new PlugboardError('BACKEND_ERROR', `the engine at ${baseURL} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
}

function finishOf(reason: string | null | undefined, hasCalls: boolean): SkillFinishReason {
  if (reason === 'length') return 'length';
  return reason === 'tool_calls' || hasCalls ? 'tool-calls' : 'stop';
}

/**
 * A SkillBackend over an OpenAI-compatible engine (the `openai` client): vLLM
 * runs a skill as the LoRA module of its name (registered with
 * /v1/load_lora_adapter on prepare), LoRAX takes `adapter_id` +
 * `adapter_source: "local"` per request, another Plugboard server takes the
 * skill name. Routing and tools stay with the caller; skills the engine cannot
 * run are refused with UNSUPPORTED_FEATURE before any request.
 */
export class OpenAICompatibleBackend implements SkillBackend {
  private readonly client: OpenAI;
  private readonly options: z.infer<typeof OpenAICompatibleBackendOptionsSchema>;
  private readonly registry: SkillRegistry;
  private readonly registered = new Set<string>();

  constructor(options: OpenAICompatibleBackendOptions) {
    const { skills, ...rest } = options;
    this.options = OpenAICompatibleBackendOptionsSchema.parse(rest);
    this.registry = toRegistry(skills);
    this.client = new OpenAI({ baseURL: this.options.baseURL, apiKey: this.options.apiKey, maxRetries: 0 });
  }

  describe(): BackendDescription {
    const { engine, maxLoraRank } = this.options;
    return {
      model: this.options.model,
      adapterKinds: engine === 'plugboard' ? ['lora', 'bottleneck'] : ['lora'],
      maxRank: maxLoraRank,
      contextLength: this.options.contextLength,
      skills: this.registry.list().filter((s) => unservableReason(engine, maxLoraRank, s) === null).map((s) => s.manifest.name),
    };
  }

  /** The skill, checked against what the engine can run. */
  private servable(name: string): Skill {
    const skill = findSkill(this.registry, name);
    const reason = unservableReason(this.options.engine, this.options.maxLoraRank, skill);
    if (reason !== null) throw new PlugboardError('UNSUPPORTED_FEATURE', reason, { details: { skill: name, engine: this.options.engine } });
    return skill;
  }

  async prepare(name: string): Promise<void> {
    const skill = this.servable(name);
    if (this.options.engine !== 'vllm' || this.registered.has(name)) return;
    try {
      await this.client.post('/load_lora_adapter', { body: { lora_name: name, lora_path: skill.adapterDir } });
    } catch (error) {
      // vLLM answers 400 for a name it already serves (e.g. from --lora-modules)
      if (!(error instanceof OpenAI.BadRequestError && /already/i.test(error.message))) throw remoteError(error, this.options.baseURL);
    }
    this.registered.add(name);
  }

  generate(input: SkillRequestInput): SkillStream {
    const parsed = SkillRequestSchema.safeParse(input);
    if (!parsed.success) throw new PlugboardError('INVALID_ARGUMENT', `invalid generation request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}; see SkillRequestSchema`);
    const skill = parsed.data.skill === null ? null : this.servable(parsed.data.skill);
    return new GenerationStream(this.run(parsed.data, skill));
  }

  /** The chat completions body for the engine. */
  private body(request: SkillRequest, skill: Skill | null): OpenAI.Chat.ChatCompletionCreateParamsStreaming & Record<string, unknown> {
    const { engine, model } = this.options;
    const s = request.sampling;
    const choice = request.toolChoice;
    const format = request.responseFormat;
    return {
      model: skill !== null && engine !== 'lorax' ? skill.manifest.name : model,
      messages: request.messages as unknown as OpenAI.Chat.ChatCompletionMessageParam[],
      stream: true,
      stream_options: { include_usage: true },
      ...(request.tools.length > 0 ? { tools: request.tools as OpenAI.Chat.ChatCompletionTool[], tool_choice: typeof choice === 'string' ? choice : { type: 'function' as const, function: { name: choice.name } } } : {}),
      ...(format.type === 'json_schema' ? { response_format: { type: 'json_schema' as const, json_schema: { name: format.name ?? 'response', schema: format.schema } } } : {}),
      ...(s.maxTokens === undefined ? {} : { max_tokens: s.maxTokens }),
      ...(s.temperature === undefined ? {} : { temperature: s.temperature }),
      ...(s.topP === undefined ? {} : { top_p: s.topP }),
      ...(s.seed === undefined ? {} : { seed: s.seed }),
      ...(s.stopStrings === undefined || s.stopStrings.length === 0 ? {} : { stop: s.stopStrings }),
      ...(engine === 'lorax' && skill !== null ? { adapter_id: skill.adapterDir, adapter_source: 'local' } : {}),
    };
  }

  private async *run(request: SkillRequest, skill: Skill | null): AsyncGenerator<SkillDelta, SkillResult> {
    if (skill !== null) await this.prepare(skill.manifest.name);
    const started = performance.now();
    let firstAt: number | null = null;
    let text = '';
    let finish: string | null | undefined = null;
    let usage = { prompt_tokens: 0, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 0 } as { cached_tokens?: number } | undefined };
    const calls = new Map<number, { id: string; name: string; args: string }>();
    try {
      const stream = await this.client.chat.completions.create(this.body(request, skill), request.signal === undefined ? {} : { signal: request.signal });
      for await (const chunk of stream) {
        if (chunk.usage) usage = { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens, prompt_tokens_details: chunk.usage.prompt_tokens_details ?? undefined };
        const choice = chunk.choices[0];
        if (choice === undefined) continue;
        firstAt ??= performance.now();
        finish = choice.finish_reason ?? finish;
        const content = choice.delta.content;
        if (content) {
          text += content;
          yield { type: 'text', text: content };
        }
        for (const fragment of choice.delta.tool_calls ?? []) {
          const call = calls.get(fragment.index) ?? { id: fragment.id ?? `${request.toolCallIdPrefix ?? `call_${randomUUID().slice(0, 8)}_`}${fragment.index}`, name: '', args: '' };
          call.name += fragment.function?.name ?? '';
          call.args += fragment.function?.arguments ?? '';
          calls.set(fragment.index, call);
        }
      }
    } catch (error) {
      throw remoteError(error, this.options.baseURL);
    }
    const toolCalls: BackendToolCall[] = [];
    const invalidToolCalls: InvalidToolCall[] = [];
    for (const [index, call] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
      yield { type: 'tool-call', index, id: call.id, name: call.name, argsText: call.args };
      try {
        const args: unknown = JSON.parse(call.args === '' ? '{}' : call.args);
        if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error('arguments are not a JSON object');
        toolCalls.push({ id: call.id, name: call.name, args: args as Record<string, unknown> });
      } catch (error) {
        invalidToolCalls.push({ id: call.id, name: call.name || null, raw: call.args, error: (error as Error).message });
      }
    }
    const totalMs = performance.now() - started;
    const message: ChatMessage = { role: 'assistant', content: text === '' && calls.size > 0 ? null : text, ...(calls.size > 0 ? { tool_calls: [...calls.values()].map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } })) } : {}) };
    return {
      text,
      toolCalls,
      invalidToolCalls,
      finishReason: finishOf(finish, toolCalls.length > 0),
      usage: { promptTokens: usage.prompt_tokens, cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0, completionTokens: usage.completion_tokens },
      timings: { ttftMs: (firstAt ?? performance.now()) - started, totalMs, decodeTokensPerSecond: usage.completion_tokens / Math.max(totalMs / 1000, 1e-9) },
      message,
      droppedMessages: 0,
    };
  }
}
