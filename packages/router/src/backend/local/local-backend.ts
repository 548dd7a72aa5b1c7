import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { ChatMessage, GenerationResult, TurnOptions, TurnStats } from '@plugboard/core';
import type { MalformedToolCall } from '../../agent/tool-calls/parse-tool-calls.ts';
import { isParsedToolCall, parseToolCallBody, parseToolCalls } from '../../agent/tool-calls/parse-tool-calls.ts';
import { ToolCallSplitter } from '../../agent/tool-calls/tool-call-splitter.ts';
import { BackendEventEmitter } from '../backend-events.ts';
import type { ConstraintPolicy } from '../constraint-for.ts';
import { constraintFor } from '../constraint-for.ts';
import type { BackendDescription, SkillBackend, SkillStream } from '../skill-backend.ts';
import type { SkillRequest, SkillRequestInput } from '../skill-request.ts';
import { SkillRequestSchema } from '../skill-request.ts';
import type { SkillDelta, SkillFinishReason, SkillResult } from '../skill-result.ts';
import type { Skill } from '@plugboard/skills';
import type { AdapterBankPort, AdapterLeasePort, AdapterSwapEvent } from './adapter-bank-port.ts';
import { baseOnlyBank } from './base-only-bank.ts';
import type { ChatRuntime } from './chat-runtime.ts';
import { fitToContext } from './fit-context.ts';
import type { SkillSource } from './skill-adapters.ts';
import { findSkill, SkillAdapters } from './skill-adapters.ts';
import type { TokenSource } from './token-source.ts';
import { TranscriptSession } from './transcript-session.ts';

export interface LocalBackendOptions extends ConstraintPolicy {
  model: ChatRuntime;
  /** the adapter bank over the model's slots (omitted: the base model only, for a model loaded without slots) */
  bank?: AdapterBankPort;
  /** the skills it can run (default: none) */
  skills?: SkillSource;
  /** where tokens come from (default: the model, reusing the KV cache across calls) */
  tokens?: TokenSource;
}

/** Tokens kept free for the reply when a prompt is fitted to the context: maxTokens, at most a quarter of the context. */
function replyReserve(contextLength: number, maxTokens: number | undefined): number {
  return Math.min(maxTokens ?? 256, Math.floor(contextLength / 4));
}

/**
 * The SkillBackend over our runtime: a step's skill is leased from the adapter
 * bank for exactly its generation, the prompt is rendered with the model's
 * chat template (tools included) and fitted to the context, and tokens come
 * from one TranscriptSession, so a prompt that extends the previous one (the
 * same conversation, another skill behind an unchanged prefix) prefills only
 * its new tail. In activated mode that holds across skill switches too: the
 * previous skill's span is history for the next; the whole tail (the new user
 * turn included: it belongs to the skill that answers it) runs under this step's skill.
 */
export class LocalBackend implements SkillBackend {
  readonly events = new BackendEventEmitter();
  readonly adapters: SkillAdapters;
  private readonly model: ChatRuntime;
  private readonly bank: AdapterBankPort;
  private readonly tokens: TokenSource;
  private readonly policy: ConstraintPolicy;
  private readonly lane = `local-${randomUUID().slice(0, 8)}`;

  constructor(options: LocalBackendOptions) {
    const { model, bank = baseOnlyBank(), skills = [], tokens, ...policy } = options;
    this.model = model;
    this.adapters = new SkillAdapters(skills, bank, { config: model.config, fingerprint: model.weightsFingerprint });
    this.tokens = tokens ?? new TranscriptSession(model);
    this.policy = policy;
    this.bank = bank;
  }

  describe(): BackendDescription {
    const layout = this.model.buildOptions?.adapters ?? null;
    return {
      model: this.model.dir === undefined ? 'local' : basename(this.model.dir),
      adapterKinds: [...(layout?.lora ? (['lora'] as const) : []), ...(layout?.bottleneck ? (['bottleneck'] as const) : [])],
      maxRank: layout?.lora?.rank ?? 0,
      contextLength: this.model.contextLength,
      skills: this.adapters.registry.names(),
    };
  }

  countTokens(text: string): number {
    return this.model.tokenizer.encode(text, { addSpecialTokens: false }).length;
  }

  async prepare(skill: string): Promise<void> {
    this.adapters.adapterId(findSkill(this.adapters.registry, skill));
  }

  generate(input: SkillRequestInput): SkillStream {
    const parsed = SkillRequestSchema.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new PlugboardError('INVALID_ARGUMENT', `invalid generation request: ${problems}; see SkillRequestSchema`);
    }
    const skill = this.adapters.skill(parsed.data.skill);
    return new GenerationStream(this.run(parsed.data, skill));
  }

  private async *run(request: SkillRequest, skill: Skill | null): AsyncGenerator<SkillDelta, SkillResult> {
    const tools = request.toolChoice === 'none' ? [] : request.tools;
    const template = this.model.chatTemplate();
    const render = (messages: ChatMessage[]) => template.render({ messages, tools: tools.length > 0 ? tools : undefined, addGenerationPrompt: true });
    const budget = this.model.contextLength - replyReserve(this.model.contextLength, request.sampling.maxTokens);
    const fitted = fitToContext(request.messages, budget, (messages) => this.model.tokenizer.encode(render(messages), { addSpecialTokens: false }).length);
    const constraint = constraintFor({ ...request, tools }, this.policy);
    const idPrefix = request.toolCallIdPrefix ?? `call_${randomUUID().slice(0, 8)}_`;
    const lease = this.acquireReportingSwaps(skill, request.conversation ?? this.lane);
    try {
      const options: TurnOptions = {
        ...request.sampling,
        adapter: lease.id === null ? null : { slot: lease.slot, id: lease.id },
        mode: skill?.manifest.activation ?? 'activated',
        signal: request.signal,
        ...(constraint === undefined ? {} : { constraint }),
      };
      const stream = this.tokens.generate(render(fitted.messages), options);
      // under toolChoice "none" tool-call markup is text, as the model was offered no tools
      const splitter = request.toolChoice === 'none' ? null : new ToolCallSplitter();
      let calls = 0;
      for await (const token of stream) {
        if (splitter === null) {
          if (token.text !== '') yield { type: 'text', text: token.text };
          continue;
        }
        const chunk = splitter.push(token.text);
        if (chunk.text !== '') yield { type: 'text', text: chunk.text };
        for (const body of chunk.calls) {
          const call = parseToolCallBody(body.trim(), `${idPrefix}${calls}`);
          const delta: SkillDelta = isParsedToolCall(call)
            ? { type: 'tool-call', index: calls, id: call.id, name: call.name, argsText: JSON.stringify(call.args) }
            : { type: 'tool-call', index: calls, id: call.id, name: call.name ?? '', argsText: call.raw, error: call.error };
          calls++;
          yield delta;
        }
      }
      const tail = splitter?.end().text ?? '';
      if (tail !== '') yield { type: 'text', text: tail };
      const [result] = await stream.result;
      return this.resultOf(result as GenerationResult, idPrefix, fitted.dropped, splitter !== null, this.tokens.statsOf?.(stream) ?? this.tokens.lastTurn);
    } finally {
      lease.release();
    }
  }

  private resultOf(result: GenerationResult, idPrefix: string, dropped: number, withCalls: boolean, turn: TurnStats): SkillResult {
    const parsed = withCalls ? parseToolCalls(result.text, idPrefix) : { text: result.text.trim(), calls: [] };
    const toolCalls = parsed.calls.filter(isParsedToolCall);
    const invalidToolCalls = parsed.calls.filter((c): c is MalformedToolCall => !isParsedToolCall(c));
    const finishReason: SkillFinishReason = result.finishReason === 'stop' && toolCalls.length > 0 ? 'tool-calls' : result.finishReason;
    const { reused, prefilled } = turn;
    return {
      text: parsed.text,
      toolCalls,
      invalidToolCalls,
      finishReason,
      usage: { promptTokens: reused + prefilled, cachedTokens: reused, completionTokens: result.tokens.length },
      timings: { ttftMs: result.timings.ttftMs, totalMs: result.timings.totalMs, decodeTokensPerSecond: result.timings.decodeTokensPerSecond },
      // the raw text (tool-call markup included) renders back exactly as it was generated, so the next prompt extends the cache
      message: { role: 'assistant', content: result.text },
      droppedMessages: dropped,
    };
  }

  /** Leases the skill's adapter on `lane`; the bank's swap (raised inside acquire) is re-emitted with skill names. */
  private acquireReportingSwaps(skill: Skill | null, lane: string): AdapterLeasePort {
    const onSwap = (e: AdapterSwapEvent) => {
      if (e.lane !== lane) return;
      this.events.emit('adapter:swap', { conversation: lane, from: e.from, to: e.to, fromSkill: this.adapters.skillOf(e.from), toSkill: this.adapters.skillOf(e.to), slot: e.slot });
    };
    this.bank.events.on('adapter:swap', onSwap);
    try {
      return this.adapters.acquire(skill, lane);
    } finally {
      this.bank.events.off('adapter:swap', onSwap);
    }
  }
}
