import type { FleetConfig } from '@berth/config';
import { resolveRenderOptions, type RenderOptions } from '@berth/manifests';

/** Render options from the fleet configuration: one place, so push mode and pull mode render alike. */
export function renderOptionsOf(fleet: FleetConfig): RenderOptions {
  const root = fleet.root;
  return resolveRenderOptions({
    podSecurityEnforce: fleet.podSecurityEnforce,
    ingressNamespace: fleet.ingressNamespace,
    tenantsRoot: root ? `${root}/tenants` : 'tenants',
    clustersRoot: root ? `${root}/clusters` : 'clusters',
    tenantsServiceAccount: fleet.tenantsServiceAccount,
    tenantsDependsOn: fleet.tenantsDependsOn,
    bindableRoles: fleet.bindableRoles,
    protectionPolicy: fleet.admissionPolicy,
  });
}
