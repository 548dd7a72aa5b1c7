import { z } from 'zod';
import { GenerationDefaultsSchema } from '@plugboard/skills';
import type { Router } from '../routing/router.ts';
import type { ChatRuntime } from './chat-runtime.ts';
import type { AdapterBankPort } from './skills/adapter-bank-port.ts';
import type { SkillSource } from './skills/skill-adapters.ts';
import type { AgentTool } from './tools/agent-tool.ts';
import { StepTextOptionsSchema } from './transcript/step-text.ts';

export const AgentSettingsSchema = z.strictObject({
  /** most model calls in one run */
  maxSteps: z.number().int().positive().default(8),
  /** a tool call running longer fails with TOOL_TIMEOUT (the model sees the error) */
  toolTimeoutMs: z.number().int().positive().default(30_000),
  /** the agent's own system message, first in every prompt (skills add theirs at the step they start) */
  systemPrompt: z.string().min(1).optional(),
  /** what the router reads per step */
  routing: StepTextOptionsSchema.prefault({}),
  /** sampling for every step; a skill's own generation defaults override it */
  generation: GenerationDefaultsSchema.default({}),
  /** write each run's trace here as JSON Lines */
  tracePath: z.string().min(1).optional(),
  /** keep token events in the trace too */
  traceTokens: z.boolean().default(false),
});
export type AgentSettings = z.infer<typeof AgentSettingsSchema>;

export interface CreateAgentOptions extends z.input<typeof AgentSettingsSchema> {
  /** the loaded model (or a ScriptedGeneration's host over it) */
  model: ChatRuntime;
  skills: SkillSource;
  /** fitted on the skills' routes; a route name is a skill name, null the base model */
  router: Router;
  /** the adapter bank over the same model's slots */
  bank: AdapterBankPort;
  tools?: readonly AgentTool[];
}

export interface RunOptions {
  signal?: AbortSignal;
  /** overrides the agent's tracePath for this run */
  tracePath?: string;
}
