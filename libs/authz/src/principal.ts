/** `preview` is for CI keys: previews of its tenant and nothing else (not even reading the tenant). */
export type TenantRole = 'preview' | 'viewer' | 'developer' | 'owner';

export interface TenantMembership {
  tenantId: string;
  tenantName: string;
  role: TenantRole;
}

/** Who is calling, as resolved by authentication: an OIDC user or an API key (a service account). */
export interface Principal {
  kind: 'user' | 'apiKey' | 'system';
  /** `sub` of the token, or the API key id. */
  id: string;
  /** Stable actor string for audit events and requests, e.g. `user:alice` or `apikey:<id>`. */
  actor: string;
  /**
   * The person answerable for what this credential does (four eyes compares it): `user:<sub>` for a
   * user, the creator's person for an API key (`system:bootstrap` for the operator's bootstrap key).
   */
  accountable: string;
  email?: string;
  groups: string[];
  isAdmin: boolean;
  memberships: TenantMembership[];
  /** For cluster API keys: the cluster whose Flux Operator this key stands for. */
  cluster?: string;
}

const RANK: Record<TenantRole, number> = { preview: 0, viewer: 1, developer: 2, owner: 3 };

/** Roles are cumulative: an owner can do what a developer can, a developer what a viewer can. */
export function roleAtLeast(role: TenantRole, minimum: TenantRole): boolean {
  return RANK[role] >= RANK[minimum];
}

/** When a user is in several groups that hold roles in one tenant, the strongest role wins. */
export function strongestRoles(memberships: TenantMembership[]): TenantMembership[] {
  const byTenant = new Map<string, TenantMembership>();
  for (const m of memberships) {
    const seen = byTenant.get(m.tenantId);
    if (!seen || RANK[m.role] > RANK[seen.role]) byTenant.set(m.tenantId, m);
  }
  return [...byTenant.values()].sort((a, b) => a.tenantName.localeCompare(b.tenantName));
}
