import { ManifestValidationError } from './errors';
import { clusterDir, clusterTenantsDir } from './paths';
import { DEFAULT_RENDER_OPTIONS, type RenderOptions } from './types';
import { assertDnsLabel, assertDnsSubdomain } from './validation';

const LEVELS = new Set(['privileged', 'baseline', 'restricted']);

/** Fills in defaults and checks every option once, so renderers can trust them. */
export function resolveRenderOptions(opts: Partial<RenderOptions> = {}): RenderOptions {
  const o: RenderOptions = { ...DEFAULT_RENDER_OPTIONS, ...stripUndefined(opts) };
  if (!LEVELS.has(o.podSecurityEnforce)) {
    throw new ManifestValidationError(
      'RenderOptions',
      'podSecurityEnforce',
      `must be privileged, baseline or restricted, got ${JSON.stringify(o.podSecurityEnforce)}`,
    );
  }
  assertDnsLabel(o.ingressNamespace, 'RenderOptions', 'ingressNamespace');
  if (o.fluxNamespace !== 'flux-system') {
    throw new ManifestValidationError('RenderOptions', 'fluxNamespace', 'must be "flux-system"');
  }
  if (o.tenantsServiceAccount !== null) assertDnsSubdomain(o.tenantsServiceAccount, 'RenderOptions', 'tenantsServiceAccount');
  for (const [i, name] of [...o.tenantsDependsOn].entries()) assertDnsSubdomain(name, 'RenderOptions', `tenantsDependsOn[${i}]`);
  for (const [i, name] of [...o.bindableRoles].entries()) assertDnsSubdomain(name, 'RenderOptions', `bindableRoles[${i}]`);
  if (!o.bindableRoles.includes('admin')) {
    throw new ManifestValidationError('RenderOptions', 'bindableRoles', 'must include "admin" (the tenant Flux account is bound to it)');
  }
  clusterTenantsDir(o, 'x');
  clusterDir(o, 'x');
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
