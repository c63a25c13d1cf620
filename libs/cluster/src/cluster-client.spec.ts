import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeStub } from '../../../test/helpers/kube-stub';
import { ClusterClient, type ClusterClientOptions } from './cluster-client';
import { ClusterClients } from './credentials';
import { ClusterTimeoutError, ClusterUnauthorizedError, ClusterUnreachableError, ClusterNotFoundError } from './errors';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const eventually = async (check: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('ClusterClient against a Kubernetes API stub', () => {
  let stub: KubeStub;
  let dir: string;
  const clients: ClusterClient[] = [];
  const clientFor = (cluster: string, token?: string, server?: string, timeoutMs = 2000, more: ClusterClientOptions = {}) => {
    stub.writeKubeconfig(dir, cluster, token, server);
    const c = new ClusterClients({ kubeconfigDir: dir }, { timeoutMs, ...more }).get({ name: cluster })!;
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    stub = await new KubeStub().start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-kube-'));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await stub.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the Kustomization, managed namespaces and quota usage; then follows changes by watch, not by listing', async () => {
    stub.setKustomization({
      ready: { status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:x' },
      lastAppliedRevision: `main@sha1:${SHA}`,
    });
    stub.putNamespace('a-web');
    stub.putNamespace('kube-system', {});
    stub.putQuota('a-web', { 'requests.cpu': '250m', pods: '2' });
    stub.putQuota('a-web', { 'requests.cpu': '1' }, undefined, 'other-quota');
    const client = clientFor('c1');
    const seen = await client.observe();
    expect(seen.kustomization.ready?.status).toBe('True');
    expect(seen.kustomization.lastAppliedRevision).toBe(`main@sha1:${SHA}`);
    expect([...seen.namespaces]).toEqual(['a-web']);
    expect(seen.quotaUsed.get('a-web')).toEqual({ 'requests.cpu': '250m', pods: '2' });

    await eventually(() => stub.openWatches === 2);
    stub.putNamespace('a-api');
    stub.putQuota('a-web', { 'requests.cpu': '500m', pods: '3' });
    await eventually(async () => (await client.managedNamespaces()).has('a-api') && (await client.quotaUsed()).get('a-web')?.pods === '3');
    expect(stub.listCount('namespaces')).toBe(1);
    expect(stub.listCount('resourcequotas')).toBe(1);
  });

  it('lists again after 410 Gone on a stale resourceVersion (as an ERROR event, and as HTTP 410)', async () => {
    for (const goneAsHttp of [false, true]) {
      stub.goneAsHttp = goneAsHttp;
      stub.putNamespace(`x-${goneAsHttp}`);
      const client = clientFor(`c${goneAsHttp ? 'h' : 'e'}`);
      const before = stub.listCount('namespaces');
      await client.managedNamespaces();
      await eventually(() => stub.requests.some((r) => r.includes('watch=true')));
      // Changed while nobody watches, then history compacted and watches dropped: the resume hits 410.
      stub.compact();
      stub.putSilently('namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: `late-${goneAsHttp}`, labels: { 'berth.dev/managed-by': 'berth' }, resourceVersion: '' },
      });
      stub.dropWatches();
      await eventually(async () => (await client.managedNamespaces()).has(`late-${goneAsHttp}`));
      expect(stub.listCount('namespaces') - before).toBe(2);
      client.close();
    }
  });

  it("lists in pages of 500 following continue, as client-go's pager (tools/pager: defaultPageSize 500)", async () => {
    for (let i = 0; i < 1201; i++) stub.putNamespace(`ns-${String(i).padStart(4, '0')}`);
    const client = clientFor('paged');
    expect((await client.managedNamespaces()).size).toBe(1201);
    const lists = stub.requests.filter((r) => r.startsWith('GET /api/v1/namespaces?') && !r.includes('watch=true'));
    expect(lists).toHaveLength(3);
    expect(lists.every((r) => r.includes('limit=500'))).toBe(true);
    expect(lists.slice(1).every((r) => r.includes('continue='))).toBe(true);
    expect(client.namespaces.lists).toBe(1); // one LIST, three pages
  });

  it('falls back to one full list when the snapshot expires in the middle of paging (client-go pager: FullListIfExpired on 410)', async () => {
    for (let i = 0; i < 25; i++) stub.putNamespace(`ns-${i}`);
    stub.onListPage = (pages) => pages === 1 && stub.compact(); // etcd compacts right after the first page
    const warnings: string[] = [];
    const client = clientFor('expired', undefined, undefined, 2000, { pageSize: 10, onWarning: (m) => warnings.push(m) });
    expect((await client.managedNamespaces()).size).toBe(25);
    const lists = stub.requests.filter((r) => r.startsWith('GET /api/v1/namespaces?') && !r.includes('watch=true'));
    expect(lists).toHaveLength(3); // page 1, the expired continue (410), the full list
    expect(lists[1]).toContain('continue=');
    expect(lists[2]).not.toMatch(/limit=|continue=/);
    expect(warnings.join('\n')).toMatch(/expired \(410\)/);
  });

  it('jitters each watch timeout between watchSeconds and twice it (client-go reflector: minWatchTimeout × (1 + rand))', async () => {
    const seconds: number[] = [];
    const watches = () => stub.requests.filter((q) => q.startsWith('GET /api/v1/namespaces?') && q.includes('watch=true'));
    for (const [i, r] of [0, 0.5, 0.999].entries()) {
      const client = clientFor(`j${i}`, undefined, undefined, 2000, { watchSeconds: 300, random: () => r });
      await client.managedNamespaces();
      await eventually(() => watches().length > i);
      seconds.push(Number(new URLSearchParams(watches()[i]!.split('?')[1]).get('timeoutSeconds')));
      client.close();
    }
    expect(seconds).toEqual([300, 450, 599]);
  });

  it('types 401, 404, timeouts and unreachable clusters', async () => {
    await expect(clientFor('bad', 'wrong-token').kustomization()).rejects.toBeInstanceOf(ClusterUnauthorizedError);
    await expect(clientFor('bad2', 'wrong-token').managedNamespaces()).rejects.toBeInstanceOf(ClusterUnauthorizedError);
    await expect(clientFor('nok').kustomization()).rejects.toBeInstanceOf(ClusterNotFoundError);
    await expect(clientFor('down', undefined, 'http://127.0.0.1:1').kustomization()).rejects.toBeInstanceOf(ClusterUnreachableError);
    stub.hang = true;
    const started = Date.now();
    await expect(clientFor('slow', undefined, undefined, 300).kustomization()).rejects.toBeInstanceOf(ClusterTimeoutError);
    await expect(clientFor('slow2', undefined, undefined, 300).managedNamespaces()).rejects.toBeInstanceOf(ClusterTimeoutError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('has no client for a cluster without credentials, and reloads a rewritten kubeconfig', async () => {
    const registry = new ClusterClients({ kubeconfigDir: dir });
    expect(registry.get({ name: 'none' })).toBeNull();
    expect(registry.get({ name: '../etc' })).toBeNull();
    expect(new ClusterClients({}).get({ name: 'x' })).toBeNull();
    stub.writeKubeconfig(dir, 'r1');
    const first = registry.get({ name: 'r1' });
    expect(registry.get({ name: 'r1' })).toBe(first);
    const file = stub.writeKubeconfig(dir, 'r1', 'rotated');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(registry.get({ name: 'r1' })).not.toBe(first);
    registry.closeAll();
  });
});
