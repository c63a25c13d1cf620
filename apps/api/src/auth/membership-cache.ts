import { Inject, Injectable } from '@nestjs/common';
import type { TenantMembership } from '@berth/authz';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';

const MAX_ENTRIES = 10_000;

/**
 * Roles by (user, groups), kept for BERTH_AUTHZ_CACHE_SECONDS (default 5 s; 0 disables): the
 * membership lookup would otherwise run on every request. Any membership or tenant change in this
 * process clears the whole cache at once; other replicas see a change within the TTL.
 */
@Injectable()
export class MembershipCache {
  private readonly ttlMs: number;
  private readonly entries = new Map<string, { memberships: TenantMembership[]; expires: number }>();

  constructor(@Inject(BERTH_CONFIG) config: BerthConfig) {
    this.ttlMs = config.auth.cacheSeconds * 1000;
  }

  async get(sub: string, groups: string[], load: () => Promise<TenantMembership[]>): Promise<TenantMembership[]> {
    if (this.ttlMs === 0) return load();
    const key = `${sub}\u0000${[...groups].sort().join('\u0000')}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.memberships;
    const memberships = await load();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { memberships, expires: now + this.ttlMs });
    return memberships;
  }

  clear(): void {
    this.entries.clear();
  }
}
