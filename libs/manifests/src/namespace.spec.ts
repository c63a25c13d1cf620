import { parseAllDocuments } from 'yaml';
import { ManifestValidationError, isDnsSubdomain, renderNamespace, roleBindingName, type NamespaceSpec } from '.';
import { baseNamespace, namespaceCases } from '../test/fixtures';

const full = namespaceCases['tenant-full']!.spec;

function docs(yaml: string): Array<Record<string, any>> {
  return parseAllDocuments(yaml).map((d) => d.toJSON());
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const shuffleMap = (m: Record<string, string> | undefined, seed: number) => m && Object.fromEntries(shuffled(Object.entries(m), seed));

function expectInvalid(spec: NamespaceSpec, object: RegExp, field: RegExp): void {
  let caught: unknown;
  try {
    renderNamespace(spec);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ManifestValidationError);
  const err = caught as ManifestValidationError;
  expect(err.object).toMatch(object);
  expect(err.field).toMatch(field);
  expect(err.message).toContain(err.field);
}

describe('renderNamespace', () => {
  it('lists exactly the files present in kustomization.yaml, sorted', () => {
    for (const { spec, opts } of Object.values(namespaceCases)) {
      const files = renderNamespace(spec, opts);
      const [k] = docs(files['kustomization.yaml']!);
      const others = Object.keys(files).filter((f) => f !== 'kustomization.yaml');
      expect(k!.resources).toEqual([...others].sort());
    }
  });

  it('omits limitrange, rbac and networkpolicy when there is nothing to render', () => {
    // no quota on compute keys, so no derived LimitRange defaults either (limit-defaults.spec.ts)
    const files = renderNamespace({ ...baseNamespace, resources: { pods: '20' }, networkPolicy: 'open', limitRange: { default: {} } });
    expect(Object.keys(files)).toEqual(['kustomization.yaml', 'namespace.yaml', 'resourcequota.yaml']);
  });

  it('marks a protected namespace so that Flux never prunes it (kustomize-controller: prune "disabled" skips garbage collection)', () => {
    // fluxcd/kustomize-controller docs, "Garbage collection": objects annotated kustomize.toolkit.fluxcd.io/prune:
    // disabled are left in the cluster when removed from the source, so a namespace dropped from Git by mistake or
    // by a drift repair keeps its workloads.
    const [ns] = docs(renderNamespace({ ...baseNamespace, protected: true })['namespace.yaml']!);
    expect(ns!.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    expect(ns!.metadata.labels['berth.dev/protected']).toBe('true');
    const [plain] = docs(renderNamespace(baseNamespace)['namespace.yaml']!);
    expect(plain!.metadata.annotations).not.toHaveProperty(['kustomize.toolkit.fluxcd.io/prune']);
    expect(plain!.metadata.labels).not.toHaveProperty(['berth.dev/protected']);
  });

  it('renders the Namespace labels and annotations Berth manages', () => {
    const [ns] = docs(renderNamespace(full, { podSecurityEnforce: 'restricted' })['namespace.yaml']!);
    expect(ns!.metadata.labels).toMatchObject({
      'berth.dev/tenant': 'acme',
      'berth.dev/managed-by': 'berth',
      'toolkit.fluxcd.io/tenant': 'acme',
      'pod-security.kubernetes.io/enforce': 'restricted',
      enabled: 'on', // quoted in the file: stays a string for YAML 1.1 readers
    });
    expect(ns!.metadata.annotations).toMatchObject({
      'berth.dev/request-id': full.requestId,
      'berth.dev/expires-at': '2026-12-01T09:00:00Z',
    });
    const [plain] = docs(renderNamespace(baseNamespace)['namespace.yaml']!);
    expect(plain!.metadata.annotations).not.toHaveProperty(['berth.dev/expires-at']);
    expect(plain!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  it('renders the network policy sets per profile', () => {
    const names = (profile: NamespaceSpec['networkPolicy']) => {
      const file = renderNamespace({ ...baseNamespace, networkPolicy: profile })['networkpolicy.yaml'];
      return file === undefined ? [] : docs(file).map((d) => d.metadata.name);
    };
    expect(names('open')).toEqual([]);
    expect(names('isolated')).toEqual(['berth-default-deny-ingress', 'berth-allow-same-namespace', 'berth-allow-ingress-controller']);
    expect(names('tenant')).toEqual([...names('isolated'), 'berth-allow-same-tenant']);
    const all = docs(renderNamespace({ ...baseNamespace, networkPolicy: 'tenant' })['networkpolicy.yaml']!);
    // ingress only: an Egress policy type would egress-isolate the pods (see network-policy.ts)
    expect(all.every((p) => JSON.stringify(p.spec.policyTypes) === '["Ingress"]')).toBe(true);
  });

  describe('determinism', () => {
    it('same input gives the same bytes whatever the order of maps and access entries', () => {
      const reference = renderNamespace(full);
      for (let seed = 1; seed <= 20; seed++) {
        const spec: NamespaceSpec = {
          ...full,
          labels: shuffleMap(full.labels, seed),
          annotations: shuffleMap(full.annotations, seed + 1),
          resources: shuffleMap(full.resources, seed + 2)!,
          limitRange: { ...full.limitRange, default: shuffleMap(full.limitRange!.default, seed + 3) },
          access: shuffled(full.access, seed + 4),
        };
        expect(renderNamespace(spec)).toEqual(reference);
        expect(Object.keys(renderNamespace(spec))).toEqual(Object.keys(reference));
      }
    });

    it('equal instants render equal bytes', () => {
      const a = renderNamespace({ ...full, expiresAt: '2026-12-01T10:00:00+01:00' });
      const b = renderNamespace({ ...full, expiresAt: '2026-12-01T09:00:00.000Z' });
      expect(a).toEqual(b);
    });
  });

  describe('role bindings', () => {
    it('names are valid, deterministic and distinct per role and subject', () => {
      const subjects = ['Team A/Ops@corp', 'alice@example.com', 'ALICE@example.com', 'x'.repeat(300), 'système'];
      const names = new Set<string>();
      for (const name of subjects) {
        for (const kind of ['User', 'Group'] as const) {
          for (const role of ['view', 'edit', 'berth.dev-deployer']) {
            const n = roleBindingName({ subject: { kind, name }, role });
            expect(isDnsSubdomain(n)).toBe(true);
            expect(roleBindingName({ subject: { kind, name }, role })).toBe(n);
            names.add(n);
          }
        }
      }
      expect(names.size).toBe(subjects.length * 2 * 3);
    });

    it('collapses duplicate entries into one binding', () => {
      const entry = { subject: { kind: 'User' as const, name: 'alice' }, role: 'edit' };
      expect(docs(renderNamespace({ ...baseNamespace, access: [entry, { ...entry }] })['rbac.yaml']!)).toHaveLength(1);
    });
  });

  describe('rejects objects Kubernetes would reject', () => {
    it.each<[string, Partial<NamespaceSpec>, RegExp, RegExp]>([
      ['bad quantity', { resources: { 'requests.cpu': '2x' } }, /^ResourceQuota acme-dev\/berth-quota$/, /^spec\.hard\["requests\.cpu"\]$/],
      ['negative quota', { resources: { pods: '-1' } }, /ResourceQuota/, /^spec\.hard\.pods$/],
      ['bad resource name', { resources: { 'requests cpu': '1' } }, /ResourceQuota/, /spec\.hard/],
      ['bad limit quantity', { limitRange: { max: { memory: '1 Gi' } } }, /^LimitRange acme-dev\/berth-limits$/, /^spec\.limits\[0\]\.max\.memory$/],
      ['bad label value', { labels: { team: 'Team A' } }, /^Namespace acme-dev$/, /^metadata\.labels\.team$/],
      ['too long label value', { labels: { team: 'a'.repeat(64) } }, /Namespace/, /metadata\.labels/],
      ['bad label key', { labels: { 'a/b/c': 'x' } }, /Namespace/, /metadata\.labels/],
      ['reserved label', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }, /Namespace/, /metadata\.labels/],
      ['reserved annotation', { annotations: { 'berth.dev/request-id': 'forged' } }, /Namespace/, /metadata\.annotations/],
      ['bad role name', { access: [{ subject: { kind: 'User', name: 'alice' }, role: 'Edit Role' }] }, /^RoleBinding/, /^roleRef\.name$/],
      ['system role', { access: [{ subject: { kind: 'User', name: 'alice' }, role: 'system:aggregate-to-edit' }] }, /RoleBinding/, /roleRef\.name/],
      ['cluster-admin', { access: [{ subject: { kind: 'User', name: 'alice' }, role: 'cluster-admin' }] }, /RoleBinding/, /roleRef\.name/],
      ['bad subject kind', { access: [{ subject: { kind: 'ServiceAccount' as 'User', name: 'x' }, role: 'edit' }] }, /RoleBinding/, /subjects\[0\]\.kind/],
      ['empty subject', { access: [{ subject: { kind: 'User', name: ' ' }, role: 'edit' }] }, /RoleBinding/, /subjects\[0\]\.name/],
      ['bad namespace name', { name: 'Acme_Dev' }, /Namespace/, /metadata\.name/],
      ['namespace with slash', { name: '../etc' }, /Namespace/, /metadata\.name/],
      ['bad tenant', { tenant: 'a'.repeat(64) }, /Namespace/, /^tenant$/],
      ['bad expiry', { expiresAt: 'tomorrow' }, /Namespace/, /expires-at/],
      ['bad profile', { networkPolicy: 'closed' as 'open' }, /Namespace/, /networkPolicy/],
    ])('%s', (_, patch, object, field) => {
      expectInvalid({ ...baseNamespace, ...patch }, object, field);
    });

    it('names the value and the rule in the message', () => {
      expect(() => renderNamespace({ ...baseNamespace, resources: { cpu: '2x' } })).toThrow(
        'ResourceQuota acme-dev/berth-quota: spec.hard.cpu: must match format "quantity" (got "2x")',
      );
    });

    it('rejects bad options', () => {
      expect(() => renderNamespace(baseNamespace, { ingressNamespace: 'Ingress' })).toThrow(ManifestValidationError);
      expect(() => renderNamespace(baseNamespace, { podSecurityEnforce: 'strict' as 'baseline' })).toThrow(/podSecurityEnforce/);
    });
  });
});
