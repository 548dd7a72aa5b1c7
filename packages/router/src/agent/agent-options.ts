import { z } from 'zod';
import { GenerationDefaultsSchema } from '@plugboard/skills';
import type { AdapterBankPort } from '../backend/local/adapter-bank-port.ts';
import type { ChatRuntime } from '../backend/local/chat-runtime.ts';
import type { SkillSource } from '../backend/local/skill-adapters.ts';
import type { SkillBackend } from '../backend/skill-backend.ts';
import type { Router } from '../routing/router.ts';
import { DEFAULT_BACKEND_IDLE_MS } from '../step/routed-step.ts';
import { RoutingPolicySchema } from '../step/routing-policy.ts';
import type { AgentTool } from './tools/agent-tool.ts';

export const AgentSettingsSchema = z.strictObject({
  /** most model calls in one run */
  maxSteps: z.number().int().positive().default(8),
  /** a tool call running longer fails with TOOL_TIMEOUT (the model sees the error) */
  toolTimeoutMs: z.number().int().positive().default(30_000),
  /** a tool result longer than this is cut, with a marker the model reads, before it enters the transcript */
  toolResultMaxChars: z.number().int().positive().default(2_000),
  /** the agent's own system message, first in every prompt (skills add theirs at the step they start) */
  systemPrompt: z.string().min(1).optional(),
  /** how steps are routed: what the router reads, staying after tool results, hysteresis */
  routing: RoutingPolicySchema.prefault({}),
  /** sampling for every step; a skill's own generation defaults override it */
  generation: GenerationDefaultsSchema.default({}),
  /** when the backend fails or stalls in a step: end the run (`stop`) or record the error and go on to the next step (`continue`) */
  onBackendError: z.enum(['stop', 'continue']).default('stop'),
  /** a backend that yields nothing this long is stopped (BACKEND_ERROR) */
  backendIdleTimeoutMs: z.number().int().positive().default(DEFAULT_BACKEND_IDLE_MS),
  /** write each run's trace here as JSON Lines */
  tracePath: z.string().min(1).optional(),
  /** keep token events in the trace too */
  traceTokens: z.boolean().default(false),
});
export type AgentSettings = z.infer<typeof AgentSettingsSchema>;

/** Where a step's tokens come from: a backend, or a loaded model and its bank (a LocalBackend is built over them). */
export type AgentModel = { backend: SkillBackend; model?: undefined; bank?: undefined } | { model: ChatRuntime; bank: AdapterBankPort; backend?: undefined };

export type CreateAgentOptions = z.input<typeof AgentSettingsSchema> &
  AgentModel & {
    skills: SkillSource;
    /** fitted on the skills' routes; a route name is a skill name, null the base model */
    router: Router;
    tools?: readonly AgentTool[];
  };

export interface RunOptions {
  signal?: AbortSignal;
  /** overrides the agent's tracePath for this run */
  tracePath?: string;
}
