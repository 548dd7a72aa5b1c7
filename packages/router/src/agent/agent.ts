import { randomUUID } from 'node:crypto';
import { GenerationStream, PlugboardError } from '@plugboard/core';
import type { ChatMessage } from '@plugboard/core';
import { LocalBackend } from '../backend/local/local-backend.ts';
import { toRegistry } from '../backend/local/skill-adapters.ts';
import type { SkillBackend } from '../backend/skill-backend.ts';
import { stepRouter } from '../step/routing-policy.ts';
import type { AgentSettings, CreateAgentOptions, RunOptions } from './agent-options.ts';
import { AgentSettingsSchema } from './agent-options.ts';
import type { AgentEvent } from './events/agent-events.ts';
import { AgentEventEmitter } from './events/agent-events.ts';
import { RunRecorder } from './events/run-recorder.ts';
import type { AgentParts, AgentResult } from './run-loop.ts';
import { runLoop } from './run-loop.ts';
import { toolSpecs } from './tools/tool-specs.ts';
import { writeTrace } from './trace/write-trace.ts';

/** A run: iterate for its events, await `result` for the answer, steps and trace. */
export type AgentRun = GenerationStream<AgentEvent, AgentResult>;

/** The controller: one shared base model, a skill per step, tools in between. */
export class Agent {
  /** every run's events, as they happen */
  readonly events = new AgentEventEmitter();
  readonly settings: AgentSettings;
  /** where the steps generate (a LocalBackend over `model` and `bank` unless one was given) */
  readonly backend: SkillBackend;
  private readonly parts: AgentParts;

  constructor(options: CreateAgentOptions) {
    const { model, skills, router, bank, backend, tools = [], ...rest } = options;
    const parsed = AgentSettingsSchema.safeParse(rest);
    if (!parsed.success) {
      throw new PlugboardError('INVALID_ARGUMENT', `invalid agent options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    if (byName.size !== tools.length) throw new PlugboardError('INVALID_ARGUMENT', 'two tools share a name; give every tool a distinct name');
    this.settings = parsed.data;
    const registry = toRegistry(skills);
    if (backend !== undefined) this.backend = backend;
    else if (model !== undefined && bank !== undefined) this.backend = new LocalBackend({ model, bank, skills: registry });
    else throw new PlugboardError('INVALID_ARGUMENT', 'createAgent needs a backend, or a model with its adapter bank');
    this.parts = {
      router: stepRouter(router, this.settings.routing),
      backend: this.backend,
      registry,
      policy: this.settings.routing,
      backendIdleTimeoutMs: this.settings.backendIdleTimeoutMs,
      tools: byName,
      toolSpecs: toolSpecs(tools),
      settings: this.settings,
    };
  }

  /** Runs the task in `input` (a user message, or a whole transcript) until an answer or maxSteps. */
  run(input: string | readonly ChatMessage[], options: RunOptions = {}): AgentRun {
    const recorder = new RunRecorder(randomUUID(), this.events, this.settings.traceTokens);
    const tracePath = options.tracePath ?? this.settings.tracePath;
    return new GenerationStream(this.traced(runLoop(this.parts, this.transcript(input), recorder, options.signal), recorder, tracePath));
  }

  private transcript(input: string | readonly ChatMessage[]): ChatMessage[] {
    const given = typeof input === 'string' ? [{ role: 'user', content: input }] : [...input];
    if (given.length === 0) throw new PlugboardError('INVALID_ARGUMENT', 'an agent run needs a user message');
    const system = this.settings.systemPrompt;
    return system === undefined || given[0]?.role === 'system' ? given : [{ role: 'system', content: system }, ...given];
  }

  /** Writes the trace when the run ends, however it ends. */
  private async *traced(loop: AsyncGenerator<AgentEvent, AgentResult>, recorder: RunRecorder, tracePath: string | undefined): AsyncGenerator<AgentEvent, AgentResult> {
    try {
      return yield* loop;
    } finally {
      if (tracePath !== undefined) writeTrace(tracePath, recorder.trace);
    }
  }
}

export function createAgent(options: CreateAgentOptions): Agent {
  return new Agent(options);
}
