import type { Router, RoutingPolicy } from '@plugboard/router';
import type { SkillCatalog } from './catalog/skill-catalog.ts';
import type { ServeConfig, SkillRollout } from './config/serve-config.ts';
import type { ServerMetrics } from './metrics/server-metrics.ts';
import type { GenerationQueue } from './queue/generation-queue.ts';
import type { TenantAccess } from './tenants/tenant-access.ts';
import type { ModelHost } from './worker/model-host.ts';

/** What every route shares. Rollouts and access are replaced whole on reload (admin endpoint or SIGHUP). */
export interface ServerContext {
  host: ModelHost;
  /** the HTTP side's view of the skills (the worker keeps its own copy in step) */
  catalog: SkillCatalog;
  router: Router;
  policy: RoutingPolicy;
  /** refits the router after skills were added or removed */
  refitRouter(): Promise<void>;
  config: ServeConfig;
  rollouts: Map<string, SkillRollout>;
  access: TenantAccess;
  queue: GenerationQueue;
  metrics: ServerMetrics;
  /** folders load_lora_adapter may read from (real paths) */
  skillRoots: string[];
  /** the base model's name (its /v1/models id) */
  baseName: string;
  /** shadow runs still going (tests wait on them) */
  shadows: Set<Promise<void>>;
}
