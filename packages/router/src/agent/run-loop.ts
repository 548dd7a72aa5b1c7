import { PlugboardError } from '@plugboard/core';
import type { ChatMessage, FinishReason, GenerationResult } from '@plugboard/core';
import type { Skill } from '@plugboard/skills';
import type { RouteDecision } from '../routing/route.ts';
import type { Router } from '../routing/router.ts';
import type { AgentSettings } from './agent-options.ts';
import type { ChatRuntime } from './chat-runtime.ts';
import type { AgentEvent, AgentStopReason } from './events/agent-events.ts';
import type { RunRecorder } from './events/run-recorder.ts';
import type { AdapterBankPort, AdapterSwapEvent } from './skills/adapter-bank-port.ts';
import type { SkillAdapters } from './skills/skill-adapters.ts';
import { parseToolCalls } from './tool-calls/parse-tool-calls.ts';
import type { AgentTool } from './tools/agent-tool.ts';
import type { ToolCallRecord } from './tools/call-tools.ts';
import { callTools, toolMessages } from './tools/call-tools.ts';
import { failureOf } from './tools/error-observation.ts';
import { stepText } from './transcript/step-text.ts';
import { TranscriptSession } from './transcript/transcript-session.ts';

/** Everything a run uses, fixed when the agent is created. */
export interface AgentParts {
  model: ChatRuntime;
  router: Router;
  bank: AdapterBankPort;
  adapters: SkillAdapters;
  tools: ReadonlyMap<string, AgentTool>;
  /** the tools' JSON-schema specs, rendered into every prompt (the same every step, so the prefix is shared) */
  toolSpecs: unknown[];
  settings: AgentSettings;
}

export interface StepRecord {
  step: number;
  skill: string | null;
  route: RouteDecision;
  /** the generated text, tool-call markup included */
  text: string;
  finishReason: FinishReason;
  toolCalls: ToolCallRecord[];
}

export interface AgentResult {
  runId: string;
  answer: string;
  reason: AgentStopReason;
  steps: StepRecord[];
  /** the transcript as the model saw it */
  messages: ChatMessage[];
  trace: RunRecorder['trace'];
}

/**
 * The controller's step loop: route the step text → lease the skill's adapter
 * → render skill prompt + tools + history → generate (streaming, KV cache
 * reused across steps) → parse and run tool calls → repeat until an answer
 * without tool calls or maxSteps. Leases are released in `finally`, so no
 * outcome (answer, failure, abort, an early `break` by the consumer) leaves a slot pinned.
 */
export async function* runLoop(parts: AgentParts, messages: ChatMessage[], recorder: RunRecorder, signal?: AbortSignal): AsyncGenerator<AgentEvent, AgentResult> {
  const { model, router, bank, adapters, settings } = parts;
  const session = new TranscriptSession(model);
  const template = model.chatTemplate();
  const steps: StepRecord[] = [];
  let current: Skill | null = null;
  const onSwap = (e: AdapterSwapEvent) => {
    if (e.lane !== recorder.runId) return;
    recorder.record('adapter:swap', { from: e.from, to: e.to, fromSkill: adapters.skillOf(e.from), toSkill: adapters.skillOf(e.to), slot: e.slot });
  };
  bank.events.on('adapter:swap', onSwap);
  try {
    for (let step = 0; ; step++) {
      if (signal?.aborted) throw new PlugboardError('ABORTED', 'the agent run was aborted', { cause: signal.reason });
      recorder.step = step;
      const text = stepText(messages, settings.routing);
      recorder.record('step:start', { text });
      const route = await router.route(text, { current: current?.manifest.name ?? null });
      const skill = adapters.skill(route.route);
      recorder.record('route', { skill: route.route, confidence: route.confidence, scores: route.scores, strategy: route.strategy });
      // a skill's instructions enter the transcript where it takes over (its invocation point), so earlier steps' KV stays valid
      if (skill !== null && skill !== current && skill.manifest.systemPrompt !== '') messages.push({ role: 'system', content: skill.manifest.systemPrompt });
      const prompt = template.render({ messages, tools: parts.toolSpecs, addGenerationPrompt: true });
      const generated = yield* generateStep(parts, session, prompt, skill, recorder, signal);
      current = skill;
      messages.push({ role: 'assistant', content: generated.text });
      const parsed = parseToolCalls(generated.text, `call_${step}_`);
      const toolCalls = yield* callTools(parsed.calls, { tools: parts.tools, skill, timeoutMs: settings.toolTimeoutMs, signal, recorder });
      messages.push(...toolMessages(toolCalls));
      steps.push({ step, skill: route.route, route, text: generated.text, finishReason: generated.finishReason, toolCalls });
      recorder.record('step:end', { skill: route.route, text: generated.text, toolCalls: toolCalls.length, finishReason: generated.finishReason });
      yield* recorder.drain();
      if (toolCalls.length === 0 || step + 1 >= settings.maxSteps) {
        const reason: AgentStopReason = toolCalls.length === 0 ? 'answer' : 'max-steps';
        recorder.record('done', { answer: parsed.text, steps: steps.length, reason });
        yield* recorder.drain();
        return { runId: recorder.runId, answer: parsed.text, reason, steps, messages, trace: recorder.trace };
      }
    }
  } catch (error) {
    recorder.record('error', failureOf(error));
    yield* recorder.drain();
    throw error;
  } finally {
    bank.events.off('adapter:swap', onSwap);
  }
}

/** One generation under the skill's adapter; the lease is held only while the model runs. */
async function* generateStep(
  parts: AgentParts,
  session: TranscriptSession,
  prompt: string,
  skill: Skill | null,
  recorder: RunRecorder,
  signal: AbortSignal | undefined,
): AsyncGenerator<AgentEvent, GenerationResult> {
  const lease = parts.adapters.acquire(skill, recorder.runId);
  try {
    yield* recorder.drain();
    const stream = session.generate(prompt, {
      ...parts.settings.generation,
      ...skill?.manifest.generation,
      adapter: lease.id === null ? null : { slot: lease.slot, id: lease.id },
      mode: skill?.manifest.activation ?? 'activated',
      signal,
    });
    for await (const token of stream) {
      recorder.record('token', { tokenId: token.tokenId, text: token.text });
      yield* recorder.drain();
    }
    const [result] = await stream.result;
    return result as GenerationResult;
  } finally {
    lease.release();
  }
}
