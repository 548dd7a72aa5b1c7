import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isPlugboardError, PlugboardError } from '@plugboard/core';
import { routedStep } from '@plugboard/router';
import type { SkillBackend, SkillResult, StepState } from '@plugboard/router';
import { SkillRegistry } from '@plugboard/skills';
import { pickVersion } from '../canary/pick-version.ts';
import { runShadow } from '../canary/run-shadow.ts';
import { versionKey } from '../catalog/skill-catalog.ts';
import { sseData } from '../http/sse.ts';
import { errorResponse } from '../http/error-status.ts';
import { ChatCompletionRequestSchema } from '../openai/chat-request.ts';
import type { ChatCompletionRequest } from '../openai/chat-request.ts';
import { argumentPieces, choiceOf, finishReasonOf, usageOf } from '../openai/chat-chunks.ts';
import type { SkillMetadata } from '../openai/chat-chunks.ts';
import { stepStateOf } from '../openai/to-skill-request.ts';
import type { ServerContext } from '../server-context.ts';
import type { Caller } from '../tenants/tenant-access.ts';
import { tenantRouter } from '../tenants/tenant-router.ts';
import { resolveModel } from './resolve-model.ts';
import type { ModelTarget } from './resolve-model.ts';

/** One routed step of a request: the backend it ran on records the skill and version it chose. */
interface Run {
  start(seedOffset: number): Promise<{ stream: ReturnType<SkillBackend['generate']>; meta: SkillMetadata }>;
}

function runFor(context: ServerContext, caller: Caller, target: ModelTarget, body: ChatCompletionRequest, sessionKey: string, signal?: AbortSignal, options: { shadow?: boolean } = {}): Run {
  return {
    async start(seedOffset) {
      let chosen: { skill: string | null; version: string | null } = { skill: null, version: null };
      // this request's view of the skills: each name at the version the session runs (canary), so its own system prompt is used
      const versions = new Map(context.catalog.names().filter((name) => context.access.canUse(caller, name)).map((name) => [name, target.kind === 'skill' && target.name === name && target.version !== null ? target.version : pickVersion(context, name, sessionKey)]));
      const registry = new SkillRegistry();
      for (const [name, version] of versions) registry.add(context.catalog.skill(name, version));
      // routedStep names the skill (one of this tenant's: its router and registry hold no other); this backend runs that version
      const backend: SkillBackend = {
        describe: () => context.host.backend.describe(),
        prepare: (skill) => context.host.backend.prepare(skill),
        generate: (request) => {
          const name = request.skill ?? null;
          const version = name === null ? null : (versions.get(name) ?? null);
          chosen = { skill: name, version };
          return context.host.backend.generate({ ...request, skill: name === null || version === null ? null : versionKey(name, version) });
        },
      };
      const state: StepState = { ...stepStateOf(body, seedOffset), ...(signal === undefined ? {} : { signal }), ...(target.kind === 'auto' ? {} : { pinned: target.kind === 'base' ? null : target.name }) };
      const step = await routedStep(state, { router: tenantRouter(context.router, (skill) => context.access.canUse(caller, skill)), backend, registry, policy: context.policy, backendIdleTimeoutMs: context.config.limits.timeoutMs });
      const { skill, version } = chosen;
      if (!options.shadow) context.metrics.skillRequests.inc({ skill: skill ?? context.baseName, version: version ?? '' });
      return { stream: step.stream, meta: { skill, version, reason: step.decision.reason } };
    },
  };
}

/** The signal a request runs under: the client going away, or the per-request timeout (reported as TIMEOUT). */
function requestSignal(context: ServerContext, reply: FastifyReply): { signal: AbortSignal; timedOut: () => boolean; done: () => void } {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort(new PlugboardError('TIMEOUT', 'timed out'));
  }, context.config.limits.timeoutMs);
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort(new PlugboardError('ABORTED', 'the client disconnected'));
  });
  return { signal: abort.signal, timedOut: () => timedOut, done: () => clearTimeout(timer) };
}

function timeoutError(context: ServerContext): PlugboardError {
  return new PlugboardError('TIMEOUT', `the request ran past the server's limit of ${context.config.limits.timeoutMs} ms; ask for fewer tokens or raise limits.timeoutMs`);
}

export function registerChatCompletions(app: FastifyInstance, context: ServerContext): void {
  app.withTypeProvider<ZodTypeProvider>().post('/v1/chat/completions', { schema: { body: ChatCompletionRequestSchema } }, async (request: FastifyRequest<{ Body: ChatCompletionRequest }>, reply) => {
    const body = request.body;
    const caller = context.access.identify(request.headers.authorization);
    const target = resolveModel(context, caller, body.model);
    stepStateOf(body, 0); // refuses unsupported options (logprobs, json_object) before queueing
    const release = context.access.admit(caller);
    const header = request.headers['x-session-id'];
    const sessionKey = (typeof header === 'string' ? header : undefined) ?? body.user ?? randomUUID();
    const { signal, timedOut, done } = requestSignal(context, reply);
    let releaseQueue: () => void = () => undefined;
    const finish = () => {
      done();
      releaseQueue();
      release();
      context.metrics.queueDepth.set(context.queue.depth);
    };
    try {
      releaseQueue = await context.queue.acquire(signal);
      context.metrics.queueDepth.set(context.queue.depth);
      const run = runFor(context, caller, target, body, sessionKey, signal);
      const id = `chatcmpl-${randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const n = body.n ?? 1;
      const started = performance.now();
      if (body.stream !== true) {
        const results: SkillResult[] = [];
        let meta: SkillMetadata | null = null;
        for (let i = 0; i < n; i++) {
          const step = await run.start(i);
          meta ??= step.meta;
          const result = await step.stream.result;
          if (i === 0) context.metrics.ttft.observe(result.timings.ttftMs / 1000);
          results.push(result);
        }
        recordTokens(context, results);
        finish();
        const primary = results[0];
        if (meta !== null && primary !== undefined) maybeShadow(context, caller, body, sessionKey, meta, primary);
        void reply.header('x-plugboard-skill', meta?.skill ?? context.baseName).header('x-plugboard-version', meta?.version ?? '');
        return { id, object: 'chat.completion', created, model: body.model, choices: results.map((r, i) => choiceOf(i, r)), usage: usageOf(results), x_plugboard: meta, system_fingerprint: null };
      }
      const first = await run.start(0);
      void reply.header('content-type', 'text/event-stream').header('cache-control', 'no-cache').header('x-plugboard-skill', first.meta.skill ?? context.baseName).header('x-plugboard-version', first.meta.version ?? '');
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => sseData({ id, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: null, choices, ...extra });
      async function* events(): AsyncGenerator<string> {
        const results: SkillResult[] = [];
        let step = first;
        try {
          for (let i = 0; i < n; i++) {
            if (i > 0) step = await run.start(i);
            yield chunk([{ index: i, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], i === 0 ? { x_plugboard: first.meta } : {});
            let last = performance.now();
            let seen = false;
            for await (const delta of step.stream) {
              const now = performance.now();
              if (!seen && i === 0) context.metrics.ttft.observe((now - started) / 1000);
              else context.metrics.interToken.observe((now - last) / 1000);
              seen = true;
              last = now;
              if (delta.type === 'text') yield chunk([{ index: i, delta: { content: delta.text }, logprobs: null, finish_reason: null }]);
              else {
                const pieces = argumentPieces(delta.argsText);
                yield chunk([{ index: i, delta: { tool_calls: [{ index: delta.index, id: delta.id, type: 'function', function: { name: delta.name, arguments: pieces[0] } }] }, logprobs: null, finish_reason: null }]);
                for (const piece of pieces.slice(1)) yield chunk([{ index: i, delta: { tool_calls: [{ index: delta.index, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }]);
              }
            }
            const result = await step.stream.result;
            results.push(result);
            yield chunk([{ index: i, delta: {}, logprobs: null, finish_reason: finishReasonOf(result.finishReason) }]);
          }
          recordTokens(context, results);
          if (body.stream_options?.include_usage === true) yield chunk([], { usage: usageOf(results) });
          yield sseData('[DONE]');
          finish();
          const primary = results[0];
          if (primary !== undefined) maybeShadow(context, caller, body, sessionKey, first.meta, primary);
        } catch (error) {
          finish();
          if (signal.aborted && !timedOut()) return; // the client is gone: nothing to tell it
          yield sseData(errorResponse(timedOut() ? timeoutError(context) : error).body);
          yield sseData('[DONE]');
        } finally {
          finish();
        }
      }
      return reply.send(Readable.from(events()));
    } catch (error) {
      finish();
      if (timedOut() && isPlugboardError(error)) throw timeoutError(context);
      throw error;
    }
  });
}

function recordTokens(context: ServerContext, results: readonly SkillResult[]): void {
  const usage = usageOf(results);
  context.metrics.tokens.inc({ kind: 'prompt' }, usage.prompt_tokens);
  context.metrics.tokens.inc({ kind: 'completion' }, usage.completion_tokens);
}

/** The shadow reruns the request pinned to the candidate version (its own system prompt), with no client waiting on it. */
function maybeShadow(context: ServerContext, caller: Caller, body: ChatCompletionRequest, sessionKey: string, meta: SkillMetadata, primary: SkillResult): void {
  const skill = meta.skill;
  if (skill === null || meta.version === null) return;
  const rerun = async (version: string) => (await runFor(context, caller, { kind: 'skill', name: skill, version }, body, sessionKey, undefined, { shadow: true }).start(0)).stream.result;
  runShadow(context, skill, meta.version, rerun, primary);
}
