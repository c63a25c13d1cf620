import type { NamespaceSpec, RenderOptions, TenantSpec } from '../src';

/** Inputs shared by the golden, determinism and kustomize specs. */
export const baseNamespace: NamespaceSpec = {
  tenant: 'acme',
  name: 'acme-dev',
  cluster: 'eu-west-1',
  requestId: '7d1c2f4e-2b7a-4c53-9f10-0e8f6b1c9a01',
  resources: { 'requests.cpu': '2', 'requests.memory': '4Gi', 'limits.cpu': '4', 'limits.memory': '8Gi', pods: '20' },
  access: [],
  networkPolicy: 'isolated',
};

export const namespaceCases: Record<string, { spec: NamespaceSpec; opts?: Partial<RenderOptions> }> = {
  'isolated-minimal': { spec: baseNamespace },
  'tenant-full': {
    spec: {
      ...baseNamespace,
      name: 'acme-review-42',
      networkPolicy: 'tenant',
      limitRange: {
        default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi' },
        max: { cpu: '2', memory: '2Gi' },
        min: { cpu: '10m', memory: '16Mi' },
      },
      labels: { env: 'review', 'example.com/cost-center': 'cc-1234', enabled: 'on' },
      annotations: { 'example.com/owner': 'Team A/Ops@corp', 'example.com/ticket': 'OPS-42' },
      access: [
        { subject: { kind: 'Group', name: 'Team A/Ops@corp' }, role: 'edit' },
        { subject: { kind: 'User', name: 'alice@example.com' }, role: 'admin' },
        { subject: { kind: 'User', name: 'bob@example.com' }, role: 'view' },
      ],
      expiresAt: '2026-12-01T10:00:00+01:00',
    },
  },
  'open-access-restricted': {
    spec: {
      ...baseNamespace,
      name: 'acme-public',
      networkPolicy: 'open',
      access: [{ subject: { kind: 'Group', name: 'acme-developers' }, role: 'edit' }],
    },
    opts: { podSecurityEnforce: 'restricted' },
  },
  'isolated-limits-ephemeral': {
    spec: {
      ...baseNamespace,
      name: 'acme-ci-0001',
      limitRange: { default: { cpu: '250m' }, defaultRequest: { cpu: '50m' } },
      expiresAt: '2026-11-30T18:00:00Z',
    },
    opts: { ingressNamespace: 'traefik' },
  },
};

export const tenantCases: Record<string, TenantSpec> = {
  'with-sync-repo': {
    name: 'acme',
    cluster: 'eu-west-1',
    namespaces: ['acme-prod', 'acme-dev'],
    syncRepo: { url: 'https://git.example.com/acme/apps.git', branch: 'main', path: 'clusters/eu-west-1' },
  },
  'without-sync-repo': { name: 'beta', cluster: 'eu-west-1', namespaces: ['beta-web'], syncRepo: null },
};
