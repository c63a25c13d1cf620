import { desiredSpecOf, namespaceSpecOf, type NamespaceRecord } from './desired-spec';
import { renderNamespace } from './namespace';
import { resolveRenderOptions } from './options';

const row = (over: Partial<NamespaceRecord> = {}): NamespaceRecord => ({
  name: 'acme-dev',
  cluster: 'eu-west-1',
  requestId: '7d4c2b7e-2f0a-4c8e-9a51-0c3a1f6f2d10',
  spec: {
    tier: 'small',
    labels: { team: 'web' },
    annotations: { owner: 'ana' },
    access: [{ subject: { kind: 'Group', name: 'acme-devs' }, role: 'edit' }],
    networkPolicy: 'tenant',
    ttl: '72h',
    protected: true,
  },
  resources: { 'requests.cpu': '2', 'limits.memory': '4Gi' },
  limitRange: { default: { cpu: '500m' } },
  expiresAt: new Date('2026-12-01T10:00:00.000Z'),
  tenant: { name: 'acme' },
  ...over,
});

describe('desiredSpecOf', () => {
  it('types a stored spec field by field, keeping optional fields absent when absent', () => {
    expect(desiredSpecOf(row().spec)).toEqual({
      tier: 'small',
      labels: { team: 'web' },
      annotations: { owner: 'ana' },
      access: [{ subject: { kind: 'Group', name: 'acme-devs' }, role: 'edit' }],
      networkPolicy: 'tenant',
      ttl: '72h',
      protected: true,
    });
    const minimal = desiredSpecOf({ resources: { cpu: '1' }, labels: {}, annotations: {}, access: [], networkPolicy: 'open' });
    expect(minimal).toEqual({ resources: { cpu: '1' }, labels: {}, annotations: {}, access: [], networkPolicy: 'open' });
    expect(Object.keys(minimal)).not.toContain('tier');
    expect(Object.keys(minimal)).not.toContain('ttl');
  });

  it('fills the defaults of older rows and leaves out what is not of its type', () => {
    expect(desiredSpecOf({})).toEqual({ labels: {}, annotations: {}, access: [], networkPolicy: 'isolated' });
    expect(desiredSpecOf(null)).toEqual({ labels: {}, annotations: {}, access: [], networkPolicy: 'isolated' });
    const odd = desiredSpecOf({
      labels: { a: 'b', n: 1 },
      access: [{ subject: { kind: 'Robot', name: 'x' }, role: 'view' }, { role: 'view' }, { subject: { kind: 'User', name: 'u' }, role: 'view' }],
      networkPolicy: 'everything',
      protected: 'yes',
      limitRange: null,
    });
    expect(odd).toEqual({
      labels: { a: 'b' },
      annotations: {},
      access: [{ subject: { kind: 'User', name: 'u' }, role: 'view' }],
      networkPolicy: 'isolated',
      limitRange: null,
    });
  });
});

describe('namespaceSpecOf', () => {
  it("is the renderer's input: the row's frozen quota and limits, the spec's labels and access, the expiry as ISO", () => {
    expect(namespaceSpecOf(row())).toEqual({
      tenant: 'acme',
      name: 'acme-dev',
      cluster: 'eu-west-1',
      requestId: '7d4c2b7e-2f0a-4c8e-9a51-0c3a1f6f2d10',
      resources: { 'requests.cpu': '2', 'limits.memory': '4Gi' },
      limitRange: { default: { cpu: '500m' } },
      labels: { team: 'web' },
      annotations: { owner: 'ana' },
      access: [{ subject: { kind: 'Group', name: 'acme-devs' }, role: 'edit' }],
      networkPolicy: 'tenant',
      expiresAt: '2026-12-01T10:00:00.000Z',
      protected: true,
    });
    expect(namespaceSpecOf(row({ limitRange: null, expiresAt: null, spec: {} }))).toMatchObject({
      limitRange: null,
      expiresAt: null,
      protected: false,
      networkPolicy: 'isolated',
      access: [],
    });
  });

  it('renders: the mapped row is valid input for the renderer', () => {
    const files = renderNamespace(namespaceSpecOf(row()), resolveRenderOptions({}));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['namespace.yaml', 'resourcequota.yaml', 'kustomization.yaml']));
    expect(files['namespace.yaml']).toContain('name: acme-dev');
  });
});
