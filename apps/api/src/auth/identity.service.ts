import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { Principal, strongestRoles } from '@berth/authz';
import { IdentityRepository } from './identity.repository';
import { JwtVerifier } from './jwt.verifier';
import { MembershipCache } from './membership-cache';
import { parseApiKey, secretMatches } from './api-key.codec';

/** Writing lastUsedAt on every call would turn each read into a write; a minute's precision is enough. */
const LAST_USED_PRECISION_MS = 60_000;

export class AuthenticationFailed extends Error {}

/** Turns presented credentials into a Principal (or refuses them). */
@Injectable()
export class IdentityService {
  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly identities: IdentityRepository,
    private readonly jwt: JwtVerifier,
    private readonly cache: MembershipCache,
  ) {}

  async fromApiKey(presented: string): Promise<Principal> {
    const { lookupId, secret } = parseApiKey(presented);
    const key = await this.identities.findApiKey(lookupId);
    if (!key || key.revokedAt || !secretMatches(secret, key.secretHash)) throw new AuthenticationFailed('Invalid or revoked API key');
    const now = new Date();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
      await this.identities.touchApiKey(key.id, now);
    }
    // A key acts for the person who created it (four eyes compares people, not credentials).
    const base = { kind: 'apiKey' as const, id: key.id, actor: `apikey:${key.name}(${key.id})`, accountable: key.accountable, groups: [] };
    if (key.role === 'admin') return { ...base, isAdmin: true, memberships: [] };
    if (key.role === 'cluster') return { ...base, isAdmin: false, memberships: [], cluster: key.clusterName ?? undefined };
    const memberships = key.tenant ? [{ tenantId: key.tenant.id, tenantName: key.tenant.name, role: key.role }] : [];
    return { ...base, isAdmin: false, memberships };
  }

  async fromJwt(token: string): Promise<Principal> {
    const claims = await this.jwt.verify(token).catch((error: Error) => {
      throw new AuthenticationFailed(error.message);
    });
    const isAdmin = claims.groups.some((g) => this.config.auth.adminGroups.includes(g));
    const memberships = strongestRoles(await this.cache.get(claims.sub, claims.groups, () => this.identities.membershipsOf(claims.sub, claims.groups)));
    const actor = `user:${claims.sub}`;
    return { kind: 'user', id: claims.sub, actor, accountable: actor, email: claims.email, groups: claims.groups, isAdmin, memberships };
  }
}
