/**
 * Tenant name prefixes. With the default `{tenant}-`, tenants `x` and `x-web` have nested prefixes: `x-web-api`
 * starts with both `x-` and `x-web-`. A name belongs to the tenant with the LONGEST prefix it starts with, so
 * tenant `x` may not take `x-web-api` while tenant `x-web` exists (and creating `x-web` is refused while `x`
 * already has such a name: it would be stranded in another tenant's prefix).
 */

/** The namespace-name prefix of `tenant` under `template` (`{tenant}` replaced); '' when prefixes are off. */
export function tenantPrefix(template: string, tenant: string): string {
  return template.replaceAll('{tenant}', tenant);
}

/**
 * Every tenant name whose prefix `name` starts with: the candidates a caller looks up to find who else's
 * prefix covers a name (at most one per length of `name`). Empty when the template has no `{tenant}`
 * (then every tenant has the same prefix and none is longer).
 */
export function prefixCandidates(name: string, template: string): string[] {
  const at = template.indexOf('{tenant}');
  if (at < 0) return [];
  const lead = template.slice(0, at);
  if (!name.startsWith(lead)) return [];
  const out: string[] = [];
  for (let end = lead.length + 1; end <= name.length; end++) {
    const tenant = name.slice(lead.length, end);
    if (name.startsWith(tenantPrefix(template, tenant))) out.push(tenant);
  }
  return out;
}

/** The tenant (among `tenants`) whose prefix is the longest one `name` starts with; undefined when none. */
export function prefixOwner(name: string, template: string, tenants: readonly string[]): string | undefined {
  let owner: string | undefined;
  let longest = -1;
  for (const tenant of tenants) {
    const prefix = tenantPrefix(template, tenant);
    if (prefix.length > 0 && name.startsWith(prefix) && prefix.length > longest) [owner, longest] = [tenant, prefix.length];
  }
  return owner;
}

/** Tenants whose prefix is a proper prefix of `tenant`'s: their names starting with `tenant`'s prefix would be stranded. */
export function enclosingTenantCandidates(tenant: string, template: string): string[] {
  const own = tenantPrefix(template, tenant);
  return prefixCandidates(own, template).filter((t) => t !== tenant && tenantPrefix(template, t).length < own.length);
}
