import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pullShardOf } from '@berth/manifests';
import { ClusterStatusService } from '../apps/api/src/cluster-status/cluster-status.service';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { bearer, newTenant, uniqueName } from './helpers/fixtures';
import { KubeStub } from './helpers/kube-stub';
import { adminToken } from './helpers/tokens';

const sha = () => randomBytes(20).toString('hex');
const digest = () => `sha256:${randomBytes(32).toString('hex')}`;
const READY = { status: 'True' as const, reason: 'ReconciliationSucceeded', message: 'Reconciliation finished in 1.2s' };
const PROGRESSING = { status: 'Unknown' as const, reason: 'Progressing', message: 'Reconciliation in progress' };
const MANAGED = { 'berth.dev/managed-by': 'berth' };
const applied = (requestId: string) => ({ 'berth.dev/request-id': requestId });

const kubeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-kubeconfigs-'));

/** A namespace as the fleet writer leaves it: Committed with its commit, its desired state from request `requestId`. */
async function seedCommitted(tenant: string, cluster: string, name: string, id: string = randomUUID()) {
  const [{ id: tenantId }] = await sql<{ id: string }>('SELECT id FROM "Tenant" WHERE name = $1', [tenant]);
  const requestId = randomUUID();
  const commitSha = sha();
  const resources = { 'requests.cpu': '1' };
  // The desired spec as Berth writes it (defaults filled in): GET …/namespaces/{name} answers it as NamespaceSpecResponse.
  const spec = JSON.stringify({ resources, labels: {}, annotations: {}, access: [], networkPolicy: 'isolated' });
  await sql(
    `INSERT INTO "NamespaceRequest" (id, "tenantId", kind, namespace, cluster, spec, state, decision, "requestedBy", accountable, "commitSha", "updatedAt")
     VALUES ($1, $2, 'Create', $3, $4, $5, 'Committed', '{"outcome":"approve","reasons":[]}', 'user:test', 'user:test', $6, now())`,
    [requestId, tenantId, name, cluster, spec, commitSha],
  );
  await sql(
    `INSERT INTO "Namespace" (id, "tenantId", cluster, name, spec, resources, state, "requestId", "commitSha", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, 'Committed', $7, $8, now())`,
    [id, tenantId, cluster, name, spec, JSON.stringify(resources), requestId, commitSha],
  );
  return { id, requestId };
}

/** A change request approved and committed: a new desired state (new request id, new commit) for the namespace. */
async function seedChange(tenant: string, cluster: string, name: string) {
  const [{ id: tenantId }] = await sql<{ id: string }>('SELECT id FROM "Tenant" WHERE name = $1', [tenant]);
  const requestId = randomUUID();
  const commitSha = sha();
  await sql(
    `INSERT INTO "NamespaceRequest" (id, "tenantId", kind, namespace, cluster, spec, state, decision, "requestedBy", accountable, "commitSha", "updatedAt")
     VALUES ($1, $2, 'Change', $3, $4, '{}', 'Committed', '{"outcome":"approve","reasons":[]}', 'user:test', 'user:test', $5, now())`,
    [requestId, tenantId, name, cluster, commitSha],
  );
  await sql(`UPDATE "Namespace" SET "requestId" = $1, "commitSha" = $2, state = 'Committed', version = version + 1 WHERE cluster = $3 AND name = $4`, [
    requestId,
    commitSha,
    cluster,
    name,
  ]);
  return { requestId };
}

/** A namespace id in shard `shard` of `shards` (the inputs endpoint's partition). */
function idInShard(shard: number, shards: number): string {
  for (;;) {
    const id = randomUUID();
    if (pullShardOf(id, shards) === shard) return id;
  }
}

const nsRow = async (cluster: string, name: string) =>
  (await sql<{ state: string; lastError: string | null }>('SELECT state, "lastError" FROM "Namespace" WHERE cluster = $1 AND name = $2', [cluster, name]))[0];
const clusterRow = async (name: string) =>
  (
    await sql<{ statusReady: boolean | null; statusRevision: string | null; statusMessage: string | null }>(
      'SELECT "statusReady", "statusRevision", "statusMessage" FROM "Cluster" WHERE name = $1',
      [name],
    )
  )[0];

describe('pull-mode cluster status (Flux Operator ResourceSet, the Namespace and its applied request)', () => {
  let app: NestFastifyApplication;
  let status: ClusterStatusService;
  let stub: KubeStub;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.BERTH_KUBECONFIG_DIR = kubeDir;
    process.env.BERTH_STATUS_INTERVAL_SECONDS = '0';
    stub = await new KubeStub().start();
    app = await startApp();
    status = app.get(ClusterStatusService);
  });
  afterAll(async () => {
    await app.close();
    await stub.stop();
    process.env = saved;
    fs.rmSync(kubeDir, { recursive: true, force: true });
  });

  async function pullWorld(pullShards?: number) {
    const admin = await adminToken();
    const cluster = uniqueName('p');
    const created = await http(app)
      .post('/v1/clusters')
      .set(bearer(admin))
      .send({ name: cluster, delivery: 'pull', ...(pullShards ? { pullShards } : {}) })
      .expect(201);
    expect(created.body).toMatchObject({ delivery: 'pull', pullShards: pullShards ?? 1 });
    stub.writeKubeconfig(kubeDir, cluster);
    const tenant = await newTenant(http(app), { budget: { 'requests.cpu': '8', namespaces: 8 }, allowedClusters: [cluster] });
    return { admin, cluster, tenant };
  }

  it('clusters are push by default; admins set pull (and its shards) on create and PATCH; anything else is refused', async () => {
    const admin = await adminToken();
    const name = uniqueName('c');
    const created = await http(app).post('/v1/clusters').set(bearer(admin)).send({ name }).expect(201);
    expect(created.body).toMatchObject({ delivery: 'push', pullShards: 1 });
    const patched = await http(app)
      .patch(`/v1/clusters/${name}`)
      .set(bearer(admin))
      .set('If-Match', `"${created.body.version}"`)
      .send({ delivery: 'pull', pullShards: 4 })
      .expect(200);
    expect(patched.body).toMatchObject({ delivery: 'pull', pullShards: 4 });
    await http(app)
      .post('/v1/clusters')
      .set(bearer(admin))
      .send({ name: uniqueName('c'), delivery: 'both' })
      .expect(400);
    await http(app)
      .post('/v1/clusters')
      .set(bearer(admin))
      .send({ name: uniqueName('c'), delivery: 'pull', pullShards: 0 })
      .expect(400);
  });

  it('Committed → Ready once the ResourceSet is Ready, lists the Namespace in its inventory and the Namespace carries the current request', async () => {
    const { cluster, tenant } = await pullWorld();
    const name = `${tenant.name}-web`;
    const { requestId } = await seedCommitted(tenant.name, cluster, name);
    const revision = digest();

    // Not served yet: the ResourceSet is Ready for the other inputs, the Namespace does not exist.
    stub.setResourceSet('berth', { ready: READY, namespaces: [], lastAppliedRevision: revision });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok', ready: 0, failed: 0, revision });
    expect((await nsRow(cluster, name)).state).toBe('Committed');
    expect(await clusterRow(cluster)).toMatchObject({ statusReady: true, statusRevision: revision, statusMessage: READY.message });

    // Applying: the Namespace is there, the ResourceSet is still reconciling.
    stub.putNamespace(name, MANAGED, applied(requestId));
    stub.setResourceSet('berth', { ready: PROGRESSING, namespaces: [] });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok', ready: 0, failed: 0 });
    expect((await nsRow(cluster, name)).state).toBe('Committed');

    const next = digest();
    stub.setResourceSet('berth', { ready: READY, namespaces: [name], lastAppliedRevision: next });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok', ready: 1, revision: next });
    expect((await nsRow(cluster, name)).state).toBe('Ready');
    // The push-mode object is never read on a pull-mode cluster.
    expect(stub.requests.some((r) => r.includes('kustomizations'))).toBe(false);
  });

  it('an older applied state does not make a newer request Ready', async () => {
    const { cluster, tenant } = await pullWorld();
    const name = `${tenant.name}-api`;
    const first = await seedCommitted(tenant.name, cluster, name);
    stub.putNamespace(name, MANAGED, applied(first.requestId));
    stub.setResourceSet('berth', { ready: READY, namespaces: [name], lastAppliedRevision: digest() });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ ready: 1 });

    const change = await seedChange(tenant.name, cluster, name);
    // Ready, in the inventory, the Namespace exists: but what was applied is the first request's state.
    expect(await status.reconcileCluster(cluster)).toMatchObject({ ready: 0, failed: 0 });
    expect((await nsRow(cluster, name)).state).toBe('Committed');

    stub.putNamespace(name, MANAGED, applied(change.requestId));
    expect(await status.reconcileCluster(cluster)).toMatchObject({ ready: 1 });
    expect((await nsRow(cluster, name)).state).toBe('Ready');
  });

  it('a failing ResourceSet fails the namespace its message names, with that message, and it heals when the ResourceSet is Ready', async () => {
    const { cluster, tenant } = await pullWorld();
    const done = `${tenant.name}-done`;
    const bad = `${tenant.name}-bad`;
    const waiting = `${tenant.name}-waiting`;
    const kept = await seedCommitted(tenant.name, cluster, done);
    stub.putNamespace(done, MANAGED, applied(kept.requestId));
    const { requestId } = await seedCommitted(tenant.name, cluster, bad);
    await seedCommitted(tenant.name, cluster, waiting);
    // Server-side apply in stages: the Namespace (first stage) went through, its ResourceQuota did not.
    stub.putNamespace(bad, MANAGED, applied(requestId));
    const message =
      'reconciliation failed: ResourceQuota/' +
      bad +
      '/berth-quota dry-run failed: ResourceQuota "berth-quota" is invalid: spec.hard[requests.cpu]: Invalid value';
    stub.setResourceSet('berth', { ready: { status: 'False', reason: 'ReconciliationFailed', message }, namespaces: [done], lastAppliedRevision: digest() });

    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok', ready: 0, failed: 1 });
    expect(await nsRow(cluster, bad)).toMatchObject({ state: 'Failed', lastError: `Flux: ReconciliationFailed: ${message}` });
    // Not named by the failure: they wait for a Ready ResourceSet (the cluster's status shows the failure).
    expect((await nsRow(cluster, done)).state).toBe('Committed');
    expect((await nsRow(cluster, waiting)).state).toBe('Committed');
    expect(await clusterRow(cluster)).toMatchObject({ statusReady: false, statusMessage: message });
    const shown = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${bad}`).set(bearer(tenant.viewer)).expect(200);
    expect(shown.body).toMatchObject({ state: 'Failed', lastError: expect.stringContaining(message) });

    stub.setResourceSet('berth', { ready: READY, namespaces: [done, bad], lastAppliedRevision: digest() });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ ready: 2, failed: 0 });
    expect(await nsRow(cluster, bad)).toMatchObject({ state: 'Ready', lastError: null });
    expect((await nsRow(cluster, done)).state).toBe('Ready');
    expect((await nsRow(cluster, waiting)).state).toBe('Committed'); // not applied yet
  });

  it('with shards, each namespace follows the ResourceSet of its shard (berth-<i>, the inputs partition)', async () => {
    const { cluster, tenant } = await pullWorld(2);
    const a = `${tenant.name}-a`;
    const b = `${tenant.name}-b`;
    // The reader's shard of an id is the inputs endpoint's (flux-inputs.repository.ts, in SQL).
    for (const id of [randomUUID(), 'ffffffff-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000'])
      for (const shards of [2, 3, 7]) {
        const [{ shard }] = await sql<{ shard: string }>(
          `SELECT (('x' || substr(replace($1::uuid::text, '-', ''), 1, 8))::bit(32)::bigint % $2::int)::text AS shard`,
          [id, shards],
        );
        expect(pullShardOf(id, shards)).toBe(Number(shard));
      }
    const inZero = await seedCommitted(tenant.name, cluster, a, idInShard(0, 2));
    const inOne = await seedCommitted(tenant.name, cluster, b, idInShard(1, 2));
    stub.putNamespace(a, MANAGED, applied(inZero.requestId));
    // A build failure (template or inputs) applies nothing: every namespace of that ResourceSet not yet on the cluster fails.
    const message = 'build failed: failed to build resources: template: resourcesTemplate:3: function "toYml" not defined';
    stub.setResourceSet(`${cluster}-x`, { ready: READY }); // unrelated
    stub.setResourceSet('berth-0', { ready: READY, namespaces: [a], lastAppliedRevision: digest() });
    stub.setResourceSet('berth-1', { ready: { status: 'False', reason: 'BuildFailed', message }, namespaces: [] });

    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok', ready: 1, failed: 1 });
    expect((await nsRow(cluster, a)).state).toBe('Ready');
    expect(await nsRow(cluster, b)).toMatchObject({ state: 'Failed', lastError: `Flux: BuildFailed: ${message}` });
    expect(await clusterRow(cluster)).toMatchObject({ statusReady: false, statusMessage: `berth-1: ${message}` });

    stub.putNamespace(b, MANAGED, applied(inOne.requestId));
    stub.setResourceSet('berth-1', { ready: READY, namespaces: [b], lastAppliedRevision: digest() });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ ready: 1, failed: 0 });
    expect(await nsRow(cluster, b)).toMatchObject({ state: 'Ready', lastError: null });
    expect(await clusterRow(cluster)).toMatchObject({
      statusReady: true,
      statusRevision: expect.stringMatching(/^berth-0: sha256:[0-9a-f]{64}; berth-1: sha256:/),
    });
  });

  it('a missing ResourceSet is an error of the cluster, not of its namespaces', async () => {
    const { cluster, tenant } = await pullWorld(3);
    const name = `${tenant.name}-x`;
    await seedCommitted(tenant.name, cluster, name);
    const result = await status.reconcileCluster(cluster);
    expect(result).toMatchObject({ outcome: 'error', error: expect.stringMatching(/resourceset flux-system\/berth-\d.*404/) });
    expect((await nsRow(cluster, name)).state).toBe('Committed');
    expect(await clusterRow(cluster)).toMatchObject({ statusReady: null });
  });
});
