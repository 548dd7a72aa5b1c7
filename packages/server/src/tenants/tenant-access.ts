import { PlugboardError } from '@plugboard/core';
import type { Tenant } from '../config/serve-config.ts';
import { TokenBucket } from './token-bucket.ts';

/** Who is calling: a tenant (or the open server's anonymous caller) and the key they used. */
export interface Caller {
  tenant: Tenant | null;
  key: string | null;
  admin: boolean;
}

export function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim() ?? null;
}

/**
 * API keys → tenants, each with its visible skills, rate limit and
 * concurrency cap. With no tenants configured the server is open.
 */
export class TenantAccess {
  private readonly byKey = new Map<string, Tenant>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    tenants: readonly Tenant[],
    private readonly adminKey: string | undefined,
  ) {
    for (const tenant of tenants) for (const key of tenant.keys) this.byKey.set(key, tenant);
  }

  get open(): boolean {
    return this.byKey.size === 0;
  }

  /** The caller of a request's Authorization header; UNAUTHORIZED for a missing or unknown key (when keys are configured). */
  identify(authorization: string | undefined): Caller {
    const key = bearerOf(authorization);
    const admin = key !== null && this.adminKey !== undefined && key === this.adminKey;
    if (this.open || admin) return { tenant: null, key, admin };
    const tenant = key === null ? undefined : this.byKey.get(key);
    if (tenant === undefined) {
      throw new PlugboardError('UNAUTHORIZED', key === null ? 'no API key: send "Authorization: Bearer KEY"' : 'unknown API key; use a key listed in the serve config');
    }
    return { tenant, key, admin: false };
  }

  requireAdmin(caller: Caller): void {
    if (this.adminKey === undefined) throw new PlugboardError('FORBIDDEN', 'admin endpoints are disabled: set "adminKey" in the serve config');
    if (!caller.admin) throw new PlugboardError(caller.key === null ? 'UNAUTHORIZED' : 'FORBIDDEN', 'this endpoint needs the admin key');
  }

  /** Whether the caller may see and use the skill (the base model and `auto` are not skills). */
  canUse(caller: Caller, skill: string): boolean {
    const allowed = caller.tenant?.skills ?? '*';
    return allowed === '*' || allowed.includes(skill);
  }

  /** Counts a request against the key's rate limit and concurrency cap; RATE_LIMITED (with retryAfterSeconds) when over. Returns the release. */
  admit(caller: Caller): () => void {
    const tenant = caller.tenant;
    const key = caller.key;
    if (tenant === null || key === null) return () => undefined;
    if (tenant.rateLimit !== undefined) {
      const bucket = this.buckets.get(key) ?? new TokenBucket(tenant.rateLimit);
      this.buckets.set(key, bucket);
      const wait = bucket.take();
      if (wait > 0) throw new PlugboardError('RATE_LIMITED', `rate limit of ${tenant.rateLimit.perSecond}/s for this key reached; retry after the Retry-After header`, { details: { retryAfterSeconds: Math.ceil(wait) } });
    }
    const running = this.inFlight.get(key) ?? 0;
    if (tenant.maxConcurrent !== undefined && running >= tenant.maxConcurrent) {
      throw new PlugboardError('RATE_LIMITED', `this key already has ${running} requests in flight (cap ${tenant.maxConcurrent}); wait for one to finish`, { details: { retryAfterSeconds: 1 } });
    }
    this.inFlight.set(key, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    };
  }
}
