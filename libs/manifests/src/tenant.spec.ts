import { parseAllDocuments } from 'yaml';
import {
  ManifestValidationError,
  clusterDir,
  clusterTenantsDir,
  DEFAULT_RENDER_OPTIONS,
  isDnsLabel,
  namespaceDir,
  renderClusterIndex,
  renderNamespace,
  renderTenantOnboarding,
  tenantDir,
  tenantHomeNamespace,
} from '.';
import { namespaceCases, tenantCases } from '../test/fixtures';

const docs = (yaml: string): Array<Record<string, any>> => parseAllDocuments(yaml).map((d) => d.toJSON());
const withRepo = tenantCases['with-sync-repo']!;

describe('renderTenantOnboarding', () => {
  it('puts SA, GitRepository and Kustomization in the tenant home namespace and binds admin per namespace', () => {
    const files = renderTenantOnboarding(withRepo);
    expect(Object.keys(files)).toEqual(['kustomization.yaml', 'tenant.yaml']);
    const objects = docs(files['tenant.yaml']!);
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'Namespace /berth-tenant-acme',
      'ServiceAccount berth-tenant-acme/flux-acme',
      'RoleBinding acme-dev/berth-flux-reconciler',
      'RoleBinding acme-prod/berth-flux-reconciler',
      'GitRepository berth-tenant-acme/acme',
      'Kustomization berth-tenant-acme/acme',
    ]);
    for (const rb of objects.filter((o) => o.kind === 'RoleBinding')) {
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' });
      expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'flux-acme', namespace: 'berth-tenant-acme' }]);
    }
    const ks = objects.find((o) => o.kind === 'Kustomization')!;
    expect(ks.spec).toEqual({
      interval: '10m',
      path: './clusters/eu-west-1',
      prune: true,
      serviceAccountName: 'flux-acme',
      sourceRef: { kind: 'GitRepository', name: 'acme' },
    });
    expect(ks.spec).not.toHaveProperty('targetNamespace');
    expect(docs(files['kustomization.yaml']!)[0]!.resources).toEqual(['acme-dev', 'acme-prod', 'tenant.yaml']);
  });

  it('renders no Flux source without syncRepo, and is independent of namespace order', () => {
    const kinds = docs(renderTenantOnboarding(tenantCases['without-sync-repo']!)['tenant.yaml']!).map((o) => o.kind);
    expect(kinds).toEqual(['Namespace', 'ServiceAccount', 'RoleBinding']);
    const reversed = { ...withRepo, namespaces: [...withRepo.namespaces].reverse() };
    expect(renderTenantOnboarding(reversed)).toEqual(renderTenantOnboarding(withRepo));
  });

  it("renders path '' as the repository root, a per-cluster path on its cluster only, and a secretRef by name", () => {
    const kustomizationOf = (spec: typeof withRepo) => docs(renderTenantOnboarding(spec)['tenant.yaml']!).find((o) => o.kind === 'Kustomization')!;
    const root = { ...withRepo, syncRepo: { ...withRepo.syncRepo!, path: '' } };
    expect(kustomizationOf(root).spec.path).toBe('./');
    for (const same of ['.', './', '/']) expect(kustomizationOf({ ...root, syncRepo: { ...root.syncRepo, path: same } }).spec.path).toBe('./');
    const perCluster = { ...root, syncRepo: { ...root.syncRepo, paths: { 'eu-west-1': 'envs/eu', 'us-east-1': 'envs/us' } } };
    expect(kustomizationOf(perCluster).spec.path).toBe('./envs/eu');
    expect(kustomizationOf({ ...perCluster, cluster: 'ap-south-1' }).spec.path).toBe('./');
    const git = (spec: typeof withRepo) => docs(renderTenantOnboarding(spec)['tenant.yaml']!).find((o) => o.kind === 'GitRepository')!;
    expect(git(withRepo).spec).not.toHaveProperty('secretRef');
    expect(git({ ...withRepo, syncRepo: { ...withRepo.syncRepo!, secretRef: 'acme-git' } }).spec.secretRef).toEqual({ name: 'acme-git' });
    expect(() => renderTenantOnboarding({ ...withRepo, syncRepo: { ...withRepo.syncRepo!, secretRef: 'Not A Name' } })).toThrow(/spec\.secretRef\.name/);
  });

  it('keeps the home namespace a valid, stable DNS label for long tenant names', () => {
    const long = 'a'.repeat(30) + '-' + 'b'.repeat(32);
    expect(isDnsLabel(tenantHomeNamespace(long))).toBe(true);
    expect(tenantHomeNamespace(long)).toBe(tenantHomeNamespace(long));
    expect(tenantHomeNamespace(long)).not.toBe(tenantHomeNamespace(long.slice(0, -1) + 'c'));
  });

  it.each<[string, Partial<typeof withRepo>, RegExp]>([
    ['url scheme', { syncRepo: { ...withRepo.syncRepo!, url: 'ftp://x/y.git' } }, /GitRepository berth-tenant-acme\/acme: spec\.url/],
    ['path escaping the repo', { syncRepo: { ...withRepo.syncRepo!, path: 'a/../../b' } }, /Kustomization .*: spec\.path/],
    ['branch', { syncRepo: { ...withRepo.syncRepo!, branch: 'main..x' } }, /spec\.ref\.branch/],
    ['namespace name', { namespaces: ['acme/dev'] }, /Tenant acme: namespaces\[0\]/],
    ['home namespace as tenant namespace', { namespaces: ['berth-tenant-acme'] }, /reserved/],
    ['tenant name', { name: 'Acme' }, /Tenant Acme: name/],
  ])('rejects a bad %s', (_, patch, message) => {
    expect(() => renderTenantOnboarding({ ...withRepo, ...patch })).toThrow(ManifestValidationError);
    expect(() => renderTenantOnboarding({ ...withRepo, ...patch })).toThrow(message);
  });
});

describe('renderClusterIndex', () => {
  it('lists tenant folders and points berth-tenants at them', () => {
    const files = renderClusterIndex('eu1', ['zeta', 'acme', 'acme'], { tenantsRoot: 'fleet/tenants' });
    expect(Object.keys(files)).toEqual(['clusters/eu1/berth-tenants.yaml', 'fleet/tenants/eu1/kustomization.yaml']);
    expect(docs(files['fleet/tenants/eu1/kustomization.yaml']!)[0]!.resources).toEqual(['acme', 'zeta']);
    const ks = docs(files['clusters/eu1/berth-tenants.yaml']!).find((o) => o.kind === 'Kustomization');
    expect(ks!.metadata).toMatchObject({ name: 'berth-tenants', namespace: 'flux-system' });
    expect(ks!.spec).toMatchObject({ path: './fleet/tenants/eu1', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
  });

  // flux2-multi-tenancy (clusters/*/tenants.yaml): with kustomize-controller's --default-service-account a
  // Kustomization without serviceAccountName impersonates that (unprivileged) account and cannot create
  // namespaces; the tenants Kustomization names a privileged account and dependsOn the policies it needs.
  it('applies berth-tenants as its own least-privilege service account, with dependsOn when configured', () => {
    const files = renderClusterIndex('eu1', ['acme'], { tenantsDependsOn: ['policies', 'infra'] });
    const objects = docs(files['clusters/eu1/berth-tenants.yaml']!);
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ServiceAccount flux-system/berth-tenants',
      'ClusterRole /berth-tenants-reconciler',
      'ClusterRoleBinding /berth-tenants-reconciler',
      'ValidatingAdmissionPolicy /berth-protect-managed-objects',
      'ValidatingAdmissionPolicyBinding /berth-protect-managed-objects',
      'Kustomization flux-system/berth-tenants',
    ]);
    const ks = objects.at(-1)!;
    expect(ks.spec.serviceAccountName).toBe('berth-tenants');
    expect(ks.spec.dependsOn).toEqual([{ name: 'infra' }, { name: 'policies' }]);
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding')!;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'berth-tenants', namespace: 'flux-system' }]);

    const legacy = docs(renderClusterIndex('eu1', ['acme'], { tenantsServiceAccount: null, protectionPolicy: false })['clusters/eu1/berth-tenants.yaml']!);
    expect(legacy.map((o) => o.kind)).toEqual(['Kustomization']);
    expect(legacy[0]!.spec).not.toHaveProperty('serviceAccountName');
    expect(legacy[0]!.spec).not.toHaveProperty('dependsOn');
  });

  it('grants the reconciler every kind Berth renders under tenants/, no other, and bind only on the roles it hands out', () => {
    const role = docs(renderClusterIndex('eu1', [])['clusters/eu1/berth-tenants.yaml']!).find((o) => o.kind === 'ClusterRole')!;
    const granted = new Set<string>(
      role.rules.flatMap((r: { apiGroups: string[]; resources: string[]; verbs: string[] }) =>
        r.verbs.includes('create') ? r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`)) : [],
      ),
    );
    const plural = (kind: string) => (kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`).toLowerCase();
    const rendered = new Set<string>();
    const add = (yaml: string) => docs(yaml).forEach((o) => rendered.add(`${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${plural(o.kind)}`));
    add(renderTenantOnboarding(withRepo)['tenant.yaml']!); // kustomization.yaml is kustomize's input, not an object
    for (const { spec } of Object.values(namespaceCases)) Object.entries(renderNamespace(spec)).forEach(([f, y]) => f !== 'kustomization.yaml' && add(y));
    expect([...granted].sort()).toEqual([...rendered].sort());
    expect(role.rules.find((r: { verbs: string[] }) => r.verbs.includes('bind'))).toEqual({
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      verbs: ['bind'],
      resourceNames: ['admin', 'edit', 'view'],
    });
    expect(() => renderClusterIndex('eu1', [], { bindableRoles: ['edit'] })).toThrow(/bindableRoles/);
  });

  it('protects Berth objects in Berth namespaces from tenants with a ValidatingAdmissionPolicy (Deny)', () => {
    const objects = docs(renderClusterIndex('eu1', [])['clusters/eu1/berth-tenants.yaml']!);
    const policy = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
    expect(policy.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(policy.spec.matchConstraints.objectSelector).toEqual({ matchLabels: { 'berth.dev/managed-by': 'berth' } });
    expect(policy.spec.matchConstraints.namespaceSelector).toEqual({ matchLabels: { 'berth.dev/managed-by': 'berth' } });
    const resources = policy.spec.matchConstraints.resourceRules.flatMap((r: { resources: string[]; operations: string[] }) => {
      expect(r.operations).toEqual(['UPDATE', 'DELETE']);
      return r.resources;
    });
    expect(resources.sort()).toEqual(['limitranges', 'networkpolicies', 'resourcequotas', 'rolebindings']);
    const expression: string = policy.spec.validations[0].expression;
    expect(expression).toContain("'system:serviceaccount:flux-system:berth-tenants'");
    expect(expression).toContain("'system:serviceaccount:kube-system:namespace-controller'"); // a namespace can still be deleted
    expect(expression).not.toContain('flux-acme');
    const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding')!;
    expect(binding.spec).toEqual({ policyName: policy.metadata.name, validationActions: ['Deny'] });
  });

  it('rejects bad names', () => {
    expect(() => renderClusterIndex('eu1', ['ok', '../x'])).toThrow(/tenantNames\[1\]/);
    expect(() => renderClusterIndex('EU1', [])).toThrow(ManifestValidationError);
  });
});

describe('path helpers', () => {
  const opts = DEFAULT_RENDER_OPTIONS;
  it('build the fleet layout', () => {
    expect(clusterTenantsDir(opts, 'eu1')).toBe('tenants/eu1');
    expect(tenantDir(opts, 'eu1', 'acme')).toBe('tenants/eu1/acme');
    expect(namespaceDir(opts, 'eu1', 'acme', 'acme-dev')).toBe('tenants/eu1/acme/acme-dev');
    expect(clusterDir(opts, 'eu1')).toBe('clusters/eu1');
  });

  it.each(['..', '.', '', 'a/b', 'a\\b', 'Acme', '-a', 'a-', 'a'.repeat(64), 'a.b', ' a'])('reject %j', (bad) => {
    expect(() => namespaceDir(opts, 'eu1', 'acme', bad)).toThrow(ManifestValidationError);
    expect(() => tenantDir(opts, bad, 'acme')).toThrow(ManifestValidationError);
    expect(() => clusterDir(opts, bad)).toThrow(ManifestValidationError);
  });

  it('rejects unsafe roots', () => {
    expect(() => tenantDir({ tenantsRoot: '../tenants' }, 'eu1', 'acme')).toThrow(/tenantsRoot/);
    expect(() => clusterDir({ clustersRoot: '/etc' }, 'eu1')).toThrow(/clustersRoot/);
  });
});
