import { realpathSync } from 'node:fs';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { RoutingPolicySchema, RulesRouter, stepRouter } from '@plugboard/router';
import type { Router, RoutingPolicyInput } from '@plugboard/router';
import { SkillCatalog } from './catalog/skill-catalog.ts';
import type { ServeConfig, ServeConfigInput } from './config/serve-config.ts';
import { parseServeConfig } from './config/serve-config.ts';
import { errorResponse } from './http/error-status.ts';
import { ServerMetrics } from './metrics/server-metrics.ts';
import { GenerationQueue } from './queue/generation-queue.ts';
import { registerAdmin } from './routes/admin.ts';
import { registerChatCompletions } from './routes/chat-completions.ts';
import { registerEmbeddings } from './routes/embeddings.ts';
import { registerModels } from './routes/models.ts';
import type { ServerContext } from './server-context.ts';
import { TenantAccess } from './tenants/tenant-access.ts';
import type { ModelHost } from './worker/model-host.ts';
import { readSkillsFolder } from './catalog/read-skills-folder.ts';

export interface ServerOptions {
  host: ModelHost;
  /** the skills folder the host was started on (read here too, for listing and routing; also a root for load_lora_adapter) */
  skillsDir: string;
  config?: ServeConfigInput;
  /** routes `auto` (default: keyword rules from the skills' manifests) */
  router?: Router;
  routing?: RoutingPolicyInput;
}

export interface PlugboardServer {
  app: FastifyInstance;
  context: ServerContext;
  /** replaces rollouts and tenants (config reload without a restart) */
  reload(config: ServeConfigInput): void;
  close(): Promise<void>;
}

function applyConfig(context: ServerContext, config: ServeConfig): void {
  context.config = config;
  context.rollouts = new Map(Object.entries(config.skills));
  context.access = new TenantAccess(config.tenants, config.adminKey);
}

/** The OpenAI-compatible server over a model host (Fastify; bodies validated by the zod schemas). */
export async function createServer(options: ServerOptions): Promise<PlugboardServer> {
  const config = parseServeConfig(options.config ?? {});
  const catalog = new SkillCatalog(readSkillsFolder(options.skillsDir));
  const policy = RoutingPolicySchema.parse(options.routing ?? {});
  const base = options.router ?? new RulesRouter();
  const refitRouter = async () => {
    if (catalog.names().length > 0) await base.fit(catalog.routingRegistry.routes());
  };
  await refitRouter();
  const context: ServerContext = {
    host: options.host,
    catalog,
    router: stepRouter(base, policy),
    policy,
    refitRouter,
    config,
    rollouts: new Map(),
    access: new TenantAccess([], undefined),
    queue: new GenerationQueue(config.limits.queue, config.limits.batch),
    metrics: new ServerMetrics(),
    skillRoots: [options.skillsDir, ...config.skillRoots].map((p) => realpathSync(p)),
    baseName: options.host.describe().model,
    shadows: new Set(),
  };
  applyConfig(context, config);
  // close() ends keep-alive and aborted-stream sockets too, instead of waiting out their timeouts
  const app = Fastify({ bodyLimit: config.limits.bodyBytes, forceCloseConnections: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, _request, reply) => {
    const { status, body, retryAfter } = errorResponse(error);
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { message: `no route ${request.method} ${request.url}`, type: 'not_found_error', param: null, code: null } });
  });
  app.addHook('onResponse', async (request, reply) => {
    context.metrics.requests.inc({ route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });
  app.get('/health', async () => ({ status: 'ok', queue: context.queue.depth }));
  app.get('/metrics', async (_request, reply) => {
    const [bank, batch] = await Promise.all([context.host.bankState(), context.host.batchState()]);
    context.metrics.batchRows.set(batch.decoding);
    context.metrics.batchPrefilling.set(batch.prefilling);
    context.metrics.resident.set(bank.resident.length);
    context.metrics.swaps.set(bank.swaps);
    context.metrics.queueDepth.set(context.queue.depth);
    void reply.header('content-type', context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });
  registerModels(app, context);
  registerChatCompletions(app, context);
  registerEmbeddings(app, context);
  registerAdmin(app, context);
  return {
    app,
    context,
    reload: (next) => applyConfig(context, parseServeConfig(next)),
    close: async () => {
      await app.close();
      await Promise.all([...context.shadows]);
    },
  };
}
