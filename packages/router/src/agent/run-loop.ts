import { isPlugboardError, PlugboardError } from '@plugboard/core';
import type { ChatMessage } from '@plugboard/core';
import type { SkillRegistry } from '@plugboard/skills';
import type { BackendEvents } from '../backend/backend-events.ts';
import type { SkillStream } from '../backend/skill-backend.ts';
import type { ToolSpec } from '../backend/skill-request.ts';
import type { SkillFinishReason, SkillResult, SkillUsage } from '../backend/skill-result.ts';
import { findSkill } from '../backend/local/skill-adapters.ts';
import type { StepParts } from '../step/routed-step.ts';
import { routedStep } from '../step/routed-step.ts';
import type { StepDecision } from '../step/step-decision.ts';
import type { AgentSettings } from './agent-options.ts';
import type { AgentEvent, AgentStopReason } from './events/agent-events.ts';
import type { RunRecorder } from './events/run-recorder.ts';
import type { AgentTool } from './tools/agent-tool.ts';
import type { ToolCallRecord } from './tools/call-tools.ts';
import { callTools, toolMessages } from './tools/call-tools.ts';
import { failureOf } from './tools/error-observation.ts';

/** Everything a run uses, fixed when the agent is created. */
export interface AgentParts extends StepParts {
  registry: SkillRegistry;
  tools: ReadonlyMap<string, AgentTool>;
  /** the tools' JSON-schema specs, sent every step (the same every step, so the prefix is shared) */
  toolSpecs: ToolSpec[];
  settings: AgentSettings;
}

export interface StepRecord {
  step: number;
  skill: string | null;
  route: StepDecision;
  /** the visible text of the reply */
  text: string;
  finishReason: SkillFinishReason;
  toolCalls: ToolCallRecord[];
  /** prompt tokens (and how many came from the KV cache) and generated tokens */
  usage: SkillUsage;
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
 * The controller's step loop: `routedStep` (route what the user asked →
 * the skill's instructions where it takes over → the backend generates,
 * leasing the skill's adapter for exactly that generation) → run the tool
 * calls → repeat until an answer without tool calls or maxSteps. A backend
 * that fails or stalls ends the step with an `error` event; the run then
 * stops or goes on (settings.onBackendError). Cancellation always stops it.
 */
export async function* runLoop(parts: AgentParts, messages: ChatMessage[], recorder: RunRecorder, signal?: AbortSignal): AsyncGenerator<AgentEvent, AgentResult> {
  const { settings } = parts;
  const steps: StepRecord[] = [];
  let current: string | null | undefined;
  const onSwap: BackendEvents['adapter:swap'] = (e) => {
    if (e.conversation === recorder.runId) recorder.record('adapter:swap', { from: e.from, to: e.to, fromSkill: e.fromSkill, toSkill: e.toSkill, slot: e.slot });
  };
  parts.backend.events?.on('adapter:swap', onSwap);
  try {
    for (let step = 0; ; step++) {
      if (signal?.aborted) throw new PlugboardError('ABORTED', 'the agent run was aborted', { cause: signal.reason });
      recorder.step = step;
      const state = { messages, current, tools: parts.toolSpecs, sampling: settings.generation, toolCallIdPrefix: `call_${step}_`, conversation: recorder.runId, signal };
      let generated: SkillResult;
      let decision: StepDecision;
      try {
        const routed = await routedStep(state, parts);
        decision = routed.decision;
        recorder.record('step:start', { text: decision.text });
        recorder.record('route', { skill: decision.skill, confidence: decision.confidence, scores: decision.scores, strategy: decision.strategy, reason: decision.reason });
        messages.splice(0, messages.length, ...routed.messages);
        generated = yield* streamStep(routed.stream, recorder);
      } catch (error) {
        if (isPlugboardError(error, 'ABORTED') || settings.onBackendError === 'stop' || step + 1 >= settings.maxSteps) throw error;
        recorder.record('error', failureOf(error));
        yield* recorder.drain();
        continue;
      }
      current = decision.skill;
      messages.push(generated.message);
      const calls = [...generated.toolCalls, ...generated.invalidToolCalls].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
      const skill = decision.skill === null ? null : findSkill(parts.registry, decision.skill);
      const toolCalls = yield* callTools(calls, { tools: parts.tools, skill, timeoutMs: settings.toolTimeoutMs, signal, recorder });
      messages.push(...toolMessages(toolCalls, settings.toolResultMaxChars));
      steps.push({ step, skill: decision.skill, route: decision, text: generated.text, finishReason: generated.finishReason, toolCalls, usage: generated.usage });
      recorder.record('step:end', { skill: decision.skill, text: generated.text, toolCalls: toolCalls.length, finishReason: generated.finishReason });
      yield* recorder.drain();
      if (toolCalls.length === 0 || step + 1 >= settings.maxSteps) {
        const reason: AgentStopReason = toolCalls.length === 0 ? 'answer' : 'max-steps';
        recorder.record('done', { answer: generated.text, steps: steps.length, reason });
        yield* recorder.drain();
        return { runId: recorder.runId, answer: generated.text, reason, steps, messages, trace: recorder.trace };
      }
    }
  } catch (error) {
    recorder.record('error', failureOf(error));
    yield* recorder.drain();
    throw error;
  } finally {
    parts.backend.events?.off('adapter:swap', onSwap);
  }
}

/** Streams one generation as token events; the backend holds (and releases) the skill's lease. */
async function* streamStep(stream: SkillStream, recorder: RunRecorder): AsyncGenerator<AgentEvent, SkillResult> {
  yield* recorder.drain();
  for await (const delta of stream) {
    if (delta.type === 'text') recorder.record('token', { text: delta.text });
    yield* recorder.drain();
  }
  return await stream.result;
}
