import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pullResourceSetNames, renderStatusReaderRbac } from '@berth/manifests';
import { KubeStub } from '../../../test/helpers/kube-stub';
import { ClusterClients } from './credentials';

/** "verb group/resource[/name]" of one API request, as the API server's RBAC authorizer sees it (request info). */
function permissionOf(request: string): string {
  const [method, target] = request.split(' ');
  const url = new URL(`http://x${target}`);
  const core = /^\/api\/v1\/(?:namespaces\/[^/]+\/)?([a-z]+)$/.exec(url.pathname);
  const named = /^\/apis\/([^/]+)\/[^/]+\/namespaces\/[^/]+\/([a-z]+)\/([^/]+)$/.exec(url.pathname);
  if (method !== 'GET') return `${method} ${url.pathname}`;
  if (core) return `${url.searchParams.get('watch') === 'true' ? 'watch' : 'list'} /${core[1]}`;
  if (named) return `get ${named[1]}/${named[2]}/${named[3]}`;
  return `GET ${url.pathname}`;
}

/** Every permission a rule set grants, in the same notation (resourceNames restrict to those names). */
function granted(rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }>): string[] {
  return rules.flatMap((r) =>
    r.apiGroups.flatMap((g) =>
      r.resources.flatMap((res) => r.verbs.flatMap((v) => (r.resourceNames ?? ['']).map((n) => `${v} ${g}/${res}${n ? `/${n}` : ''}`))),
    ),
  );
}

describe('the status reader ClusterRole is exactly what libs/cluster reads', () => {
  it('every request of a full read (list, watch, get) is granted, and nothing else is', async () => {
    const stub = await new KubeStub().start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rbac-'));
    try {
      stub.setKustomization({ ready: { status: 'True', reason: 'ReconciliationSucceeded', message: '' }, lastAppliedRevision: 'main@sha1:0' });
      stub.putNamespace('a');
      stub.putQuota('a', { pods: '1' });
      stub.writeKubeconfig(dir, 'c');
      const client = new ClusterClients({ kubeconfigDir: dir }).get({ name: 'c' })!;
      await client.observe();
      const end = Date.now() + 5000;
      while (!stub.requests.some((r) => r.includes('resourcequotas') && r.includes('watch=true'))) {
        if (Date.now() > end) throw new Error('no watch');
        await new Promise((r) => setTimeout(r, 25));
      }
      client.close();

      const used = new Set(stub.requests.map(permissionOf));
      const rbac = parseAllDocuments(renderStatusReaderRbac({ kind: 'User' }, 'berth-status')).map((d) => d.toJSON());
      const role = rbac.find((o) => o.kind === 'ClusterRole');
      // Core-group paths (/api/v1/...) are the '' API group in RBAC: both notations give "list /namespaces".
      const grants = new Set(granted(role.rules));
      expect([...used].sort()).toEqual([...grants].sort());
      expect(rbac.find((o) => o.kind === 'ClusterRoleBinding')).toMatchObject({
        roleRef: { kind: 'ClusterRole', name: 'berth-status-reader' },
        subjects: [{ kind: 'User', name: 'berth-status' }],
      });
    } finally {
      await stub.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([1, 3])('pull mode with %i shard(s): list/watch as in push mode, get of its ResourceSets only (no Kustomization)', async (shards) => {
    const stub = await new KubeStub().start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rbac-'));
    try {
      const names = pullResourceSetNames(shards);
      for (const name of names) stub.setResourceSet(name, { ready: { status: 'True', reason: 'ReconciliationSucceeded', message: '' }, namespaces: ['a'] });
      stub.putNamespace('a', { 'berth.dev/managed-by': 'berth' }, { 'berth.dev/request-id': 'r' });
      stub.putQuota('a', { pods: '1' });
      stub.writeKubeconfig(dir, 'c');
      const client = new ClusterClients({ kubeconfigDir: dir }).get({ name: 'c' })!;
      await client.observePull(names);
      const end = Date.now() + 5000;
      while (!['namespaces', 'resourcequotas'].every((k) => stub.requests.some((r) => r.includes(`/${k}?`) && r.includes('watch=true')))) {
        if (Date.now() > end) throw new Error('no watch');
        await new Promise((r) => setTimeout(r, 25));
      }
      client.close();

      const used = new Set(stub.requests.map(permissionOf));
      const rbac = parseAllDocuments(renderStatusReaderRbac({ kind: 'User' }, 'berth-status', { mode: 'pull', shards })).map((d) => d.toJSON());
      const role = rbac.find((o) => o.kind === 'ClusterRole');
      expect([...used].sort()).toEqual([...new Set(granted(role.rules))].sort());
      expect(role.rules).toContainEqual({ apiGroups: ['fluxcd.controlplane.io'], resources: ['resourcesets'], verbs: ['get'], resourceNames: names });
    } finally {
      await stub.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
