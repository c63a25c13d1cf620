import type { RuleContext } from '../context';
import { prefixOwner } from '../prefix';
import { deny, show } from '../reasons';
import type { Reason, TakenNames } from '../types';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function isTaken(taken: TakenNames, name: string): boolean {
  if (typeof taken === 'function') return taken(name);
  if (Array.isArray(taken)) return taken.includes(name);
  return (taken as ReadonlySet<string>).has(name);
}

/** Create: DNS-1123 label, tenant prefix, not reserved, unique on the cluster across tenants. */
export function checkName(ctx: RuleContext, out: Reason[]): void {
  const { name } = ctx.request;
  const field = 'name';
  if (typeof name !== 'string' || name.length > 63 || !DNS1123_LABEL.test(name)) {
    out.push(
      deny(
        'name.invalid',
        `name ${show(name)} must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
        { field },
      ),
    );
    return;
  }
  const prefix = ctx.options.namePrefix.replaceAll('{tenant}', ctx.snapshot.tenant.name);
  if (prefix.length > 0 && (!name.startsWith(prefix) || name.length === prefix.length)) {
    out.push(deny('name.prefix', `name ${show(name)} must start with ${show(prefix)} followed by at least one character`, { field }));
  } else if (prefix.length > 0) {
    // A name belongs to the tenant with the longest prefix it starts with (x-web-api is x-web's, not x's).
    const template = ctx.options.namePrefix;
    const owner = prefixOwner(name, template, [ctx.snapshot.tenant.name, ...(ctx.snapshot.prefixTenants ?? [])]);
    if (owner !== undefined && owner !== ctx.snapshot.tenant.name) {
      const theirs = template.replaceAll('{tenant}', owner);
      out.push(deny('name.tenant-prefix', `name ${show(name)} falls in the prefix ${show(theirs)} of tenant ${show(owner)}`, { field }));
    }
  }
  if (ctx.options.reservedNames.has(name) || name.startsWith('kube-')) {
    out.push(deny('name.reserved', `name ${show(name)} is reserved`, { field }));
  }
  const { cluster } = ctx.request;
  if (isTaken(ctx.snapshot.takenNames, name) || ctx.usage.find(cluster, name) !== undefined) {
    out.push(deny('name.taken', `name ${show(name)} is already used on cluster ${show(cluster)}`, { field }));
  }
}

/** Change: the namespace must be one of the tenant's on that cluster. */
export function checkExists(ctx: RuleContext, out: Reason[]): void {
  if (!ctx.current) {
    const { name, cluster } = ctx.request;
    out.push(deny('namespace.not-found', `tenant has no namespace ${show(name)} on cluster ${show(cluster)}`, { field: 'name' }));
  }
}
