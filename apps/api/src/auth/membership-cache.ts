import { Inject, Injectable } from '@nestjs/common';
import type { TenantMembership } from '@berth/authz';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';

const MAX_ENTRIES = 10_000;

export interface TenantRef {
  id: string;
  name: string;
}

/** A map whose entries live `ttlMs`; cleared whole when it grows past MAX_ENTRIES. */
class TtlMap<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  async get(key: string, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    if (this.ttlMs === 0) return load();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    if (!keep(value)) return value;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * What authorization looks up on every request, kept for BERTH_AUTHZ_CACHE_SECONDS (default 5 s; 0
 * disables): roles by (user, groups), and the policies guard's tenant ids by name. Any membership or
 * tenant change in this process clears both at once; other replicas see a change within the TTL. A
 * tenant id can only go stale by the tenant being deleted (and its name reused) elsewhere: services
 * re-check the caller's ability on the row they load, so a stale id never grants anything.
 */
@Injectable()
export class MembershipCache {
  private readonly roles: TtlMap<TenantMembership[]>;
  private readonly tenants: TtlMap<TenantRef | null>;

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    this.roles = new TtlMap(config.auth.cacheSeconds * 1000);
    this.tenants = new TtlMap(config.auth.cacheSeconds * 1000);
  }

  get(sub: string, groups: string[], load: () => Promise<TenantMembership[]>): Promise<TenantMembership[]> {
    return this.roles.get(`${sub}\u0000${[...groups].sort().join('\u0000')}`, load);
  }

  /** A tenant by name; an unknown name is not remembered (a tenant created on another replica is found at once). */
  tenant(name: string, load: () => Promise<TenantRef | null>): Promise<TenantRef | null> {
    return this.tenants.get(name, load, (found) => found !== null);
  }

  clear(): void {
    this.roles.clear();
    this.tenants.clear();
  }
}
