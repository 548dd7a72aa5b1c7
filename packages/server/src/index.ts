export * from './config/serve-config.ts';
export * from './catalog/skill-catalog.ts';
export * from './catalog/read-skills-folder.ts';
export * from './canary/assign-version.ts';
export * from './canary/agreement.ts';
export * from './tenants/token-bucket.ts';
export * from './tenants/tenant-access.ts';
export * from './worker/model-host.ts';
export * from './worker/worker-host.ts';
export type { LocalHostOptions } from './worker/local-host.ts';
export * from './create-server.ts';
export * from './serve.ts';
export * from './remote/openai-compatible-backend.ts';
export * from './deploy/vllm-deploy.ts';

// types the public API refers to
export { LocalHostOptionsSchema } from './worker/local-host.ts';
export type { ServerContext } from './server-context.ts';
export type { WorkerData } from './worker/worker-protocol.ts';
export type { ServerMetrics } from './metrics/server-metrics.ts';
export type { GenerationQueue } from './queue/generation-queue.ts';
