import { describe, expect, it } from 'vitest';
import { TenantSchema } from '../config/serve-config.ts';
import { TenantAccess } from './tenant-access.ts';
import { TokenBucket } from './token-bucket.ts';

describe('tenant access', () => {
  const access = new TenantAccess([TenantSchema.parse({ name: 'a', keys: ['ka'], skills: ['hr'], maxConcurrent: 1 })], 'admin');

  it('maps Bearer keys to tenants and refuses missing or unknown keys', () => {
    expect(access.identify('Bearer ka').tenant?.name).toBe('a');
    expect(() => access.identify(undefined)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    expect(() => access.identify('Bearer nope')).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    expect(access.identify('Bearer admin').admin).toBe(true);
    expect(() => access.requireAdmin(access.identify('Bearer ka'))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('caps concurrent requests per key until one is released', () => {
    const caller = access.identify('Bearer ka');
    const release = access.admit(caller);
    expect(() => access.admit(caller)).toThrow(expect.objectContaining({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } }));
    release();
    release(); // twice is harmless
    access.admit(caller)();
  });

  it('refills the token bucket at its rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 2, burst: 2 }, () => now);
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBeCloseTo(0.5, 5);
    now = 500;
    expect(bucket.take()).toBe(0);
  });
});
