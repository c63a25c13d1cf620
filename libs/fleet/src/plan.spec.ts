import { resolveRenderOptions } from '@berth/manifests';
import type { LiveNamespace, PendingRequest } from './fleet-writer.repository';
import { planBatch } from './plan';

const options = resolveRenderOptions({});
let seq = 0;
const id = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

const request = (namespace: string, over: Partial<PendingRequest> = {}) =>
  ({ id: id(), kind: 'Create', cluster: 'eu', namespace, tenant: { name: 'acme' }, attempts: 0, ...over }) as unknown as PendingRequest;

const live = (name: string, requestId: string, over: Partial<LiveNamespace> = {}) =>
  ({
    id: id(),
    name,
    cluster: 'eu',
    requestId,
    state: 'Approved',
    version: 3,
    spec: { labels: {}, annotations: {}, access: [{ subject: { kind: 'Group', name: 'devs' }, role: 'edit' }], networkPolicy: 'isolated' },
    resources: { 'requests.cpu': '1' },
    limitRange: null,
    expiresAt: null,
    lastError: null,
    tenant: { name: 'acme', syncRepo: null },
    ...over,
  }) as unknown as LiveNamespace;

describe('planBatch', () => {
  it('renders each live namespace once, removes deleted ones, and carries every request of the batch', () => {
    const create = request('acme-a');
    const change = request('acme-a', { kind: 'Change' });
    const gone = request('acme-b', { kind: 'Delete' });
    const deleting = request('acme-c', { kind: 'Delete' });
    const a = live('acme-a', change.id);
    const c = live('acme-c', deleting.id, { state: 'Deleting' });
    const plan = planBatch([create, change, gone, deleting], [a, c], options);

    expect(plan.failed).toEqual([]);
    expect(plan.requestIds).toEqual([create.id, change.id, gone.id, deleting.id]);
    expect(plan.writes.map((w) => [w.name, w.files === null ? 'remove' : 'write'])).toEqual([
      ['acme-a', 'write'],
      ['acme-b', 'remove'],
      ['acme-c', 'remove'],
    ]);
    expect(Object.keys(plan.writes[0].files!)).toContain('namespace.yaml');
    expect(plan.rendered).toEqual([
      { id: a.id, version: 3, deleting: false, ref: 'eu/acme-a' },
      { id: c.id, version: 3, deleting: true, ref: 'eu/acme-c' },
    ]);
  });

  it('fails alone a change that cannot render, one on a cluster with two owners, and one of a Failed namespace', () => {
    const bad = request('acme-bad');
    const good = request('acme-good');
    const blocked = request('acme-x', { cluster: 'us' });
    const stale = request('acme-old');
    const namespaces = [
      live('acme-bad', bad.id, { spec: { access: [{ subject: { kind: 'User', name: 'eve' }, role: 'cluster-admin' }] } }),
      live('acme-good', good.id),
      live('acme-x', blocked.id, { cluster: 'us' }),
      live('acme-old', 'another-request', { state: 'Failed', lastError: 'Flux: quota invalid' }),
    ];
    const plan = planBatch([bad, good, blocked, stale], namespaces, options, new Map([['us', 'refusing to render files with two owners']]));

    expect(plan.requestIds).toEqual([good.id]);
    expect(plan.writes.map((w) => w.name)).toEqual(['acme-good']);
    expect(plan.failed.map((f) => [f.requestId, f.namespaceId !== undefined])).toEqual([
      [bad.id, true],
      [blocked.id, true],
      [stale.id, true],
    ]);
    expect(plan.failed[0].reason).toMatch(/cluster-admin/);
    expect(plan.failed[1].reason).toBe('refusing to render files with two owners');
    expect(plan.failed[2].reason).toBe('namespace acme-old is Failed (Flux: quota invalid); approve a change to fix it');
  });
});
