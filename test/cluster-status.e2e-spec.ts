import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { ClusterStatusService } from '../apps/api/src/cluster-status/cluster-status.service';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { bearer, newTenant, TenantFixture, uniqueName } from './helpers/fixtures';
import { KubeStub } from './helpers/kube-stub';
import { adminToken } from './helpers/tokens';
import { waitFor } from './helpers/wait-for';

const sha = () => randomBytes(20).toString('hex');
const rev = (s: string) => `main@sha1:${s}`;
const READY = { status: 'True' as const, reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:…' };

const kubeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-kubeconfigs-'));
const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-flux-secrets-'));

/**
 * A namespace as the fleet writer leaves it: Committed with the commit SHA, its request Committed with the
 * same SHA at `committedAt` (Berth's push order), and its allocation in the ledger.
 */
async function seedCommitted(
  tenant: string,
  cluster: string,
  name: string,
  commitSha: string,
  committedAt: Date,
  resources: Record<string, string> = { 'requests.cpu': '1', 'limits.memory': '4Gi' },
) {
  const [{ id: tenantId }] = await sql<{ id: string }>('SELECT id FROM "Tenant" WHERE name = $1', [tenant]);
  const requestId = randomUUID();
  const id = randomUUID();
  // The desired spec as Berth writes it (defaults filled in): GET …/namespaces/{name} answers it as NamespaceSpecResponse.
  const spec = JSON.stringify({ resources, labels: {}, annotations: {}, access: [], networkPolicy: 'isolated' });
  await sql(
    `INSERT INTO "NamespaceRequest" (id, "tenantId", kind, namespace, cluster, spec, state, decision, "requestedBy", accountable, "commitSha", "updatedAt")
     VALUES ($1, $2, 'Create', $3, $4, $5, 'Committed', '{"outcome":"approve","reasons":[]}', 'user:test', 'user:test', $6, $7)`,
    [requestId, tenantId, name, cluster, spec, commitSha, committedAt],
  );
  await sql(
    `INSERT INTO "Namespace" (id, "tenantId", cluster, name, spec, resources, state, "requestId", "commitSha", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, 'Committed', $7, $8, now())`,
    [id, tenantId, cluster, name, spec, JSON.stringify(resources), requestId, commitSha],
  );
  const milli: Record<string, bigint> = { 'requests.cpu': 1000n, 'limits.memory': 4n * 1024n ** 3n * 1000n };
  for (const key of Object.keys(resources))
    await sql('INSERT INTO "Allocation" ("namespaceId", "tenantId", resource, milli) VALUES ($1, $2, $3, $4)', [
      id,
      tenantId,
      key,
      String(milli[key] ?? 1000n),
    ]);
  return id;
}

const nsRow = async (cluster: string, name: string) =>
  (
    await sql<{ state: string; lastError: string | null; failedBy: string | null; readyAt: Date | null; used: Record<string, string> | null }>(
      'SELECT state, "lastError", "failedBy", "readyAt", used FROM "Namespace" WHERE cluster = $1 AND name = $2',
      [cluster, name],
    )
  )[0];
const clusterRow = async (name: string) =>
  (
    await sql<{ statusReady: boolean | null; statusRevision: string | null; statusMessage: string | null; statusCheckedAt: Date | null }>(
      'SELECT "statusReady", "statusRevision", "statusMessage", "statusCheckedAt" FROM "Cluster" WHERE name = $1',
      [name],
    )
  )[0];

describe('cluster status (Flux Kustomization, namespaces and quota usage read back)', () => {
  let app: NestFastifyApplication;
  let status: ClusterStatusService;
  let stub: KubeStub;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.BERTH_KUBECONFIG_DIR = kubeDir;
    process.env.BERTH_FLUX_WEBHOOK_SECRET_DIR = secretDir;
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
    fs.rmSync(secretDir, { recursive: true, force: true });
  });

  /** A cluster Berth can read (kubeconfig for the stub), and a tenant allowed on it. */
  async function world(opts: { kubeconfig?: boolean } = {}) {
    const admin = await adminToken();
    const cluster = uniqueName('c');
    await http(app).post('/v1/clusters').set(bearer(admin)).send({ name: cluster }).expect(201);
    if (opts.kubeconfig !== false) stub.writeKubeconfig(kubeDir, cluster);
    const tenant = await newTenant(http(app), { budget: { 'requests.cpu': '4', 'limits.memory': '16Gi', namespaces: 5 }, allowedClusters: [cluster] });
    return { admin, cluster, tenant };
  }

  it('moves Committed → Ready when Flux applied a revision containing the commit and the Namespace exists; shows used quota', async () => {
    const { cluster, tenant } = await world();
    const [older, applied, newer] = [sha(), sha(), sha()];
    const t0 = Date.now() - 60_000;
    await seedCommitted(tenant.name, cluster, `${tenant.name}-web`, older, new Date(t0));
    await seedCommitted(tenant.name, cluster, `${tenant.name}-api`, applied, new Date(t0 + 1000));
    await seedCommitted(tenant.name, cluster, `${tenant.name}-next`, newer, new Date(t0 + 2000));
    await seedCommitted(tenant.name, cluster, `${tenant.name}-gone`, older, new Date(t0));
    stub.setKustomization({ ready: READY, lastAppliedRevision: rev(applied) });
    for (const n of ['web', 'api', 'next']) stub.putNamespace(`${tenant.name}-${n}`);
    stub.putQuota(`${tenant.name}-web`, { 'requests.cpu': '250m', 'limits.memory': '1536Mi' }, { 'requests.cpu': '1', 'limits.memory': '4Gi' });
    stub.putQuota(`${tenant.name}-api`, { 'requests.cpu': '500m', 'limits.memory': '1Gi' }, { 'requests.cpu': '1', 'limits.memory': '4Gi' });

    const result = await status.reconcileCluster(cluster);
    expect(result).toMatchObject({ outcome: 'ok', ready: 2, failed: 0, usageUpdated: 2, revision: rev(applied) });
    expect((await nsRow(cluster, `${tenant.name}-web`)).state).toBe('Ready'); // ancestor of the applied commit (Berth's push order)
    expect((await nsRow(cluster, `${tenant.name}-api`)).state).toBe('Ready'); // the applied commit itself
    expect((await nsRow(cluster, `${tenant.name}-next`)).state).toBe('Committed'); // pushed after: not applied yet
    expect((await nsRow(cluster, `${tenant.name}-gone`)).state).toBe('Committed'); // applied, but no Namespace on the cluster
    expect(await clusterRow(cluster)).toMatchObject({
      statusReady: true,
      statusRevision: rev(applied),
      statusMessage: READY.message,
      statusCheckedAt: expect.any(Date),
    });

    const ns = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-web`).set(bearer(tenant.viewer)).expect(200);
    expect(ns.body).toMatchObject({
      state: 'Ready',
      used: { 'requests.cpu': '250m', 'limits.memory': '1536Mi' },
      readyAt: expect.any(String),
      commitSha: older,
    });
    const usage = await http(app).get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200);
    expect(usage.body.resources).toEqual(
      expect.arrayContaining([
        { resource: 'requests.cpu', budget: '4', allocated: '4', available: '0', used: '750m' },
        { resource: 'limits.memory', budget: '16Gi', allocated: '16Gi', available: '0', used: '2560Mi' },
      ]),
    );

    // Idempotent: a second pass changes nothing.
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok', ready: 0, usageUpdated: 0 });
  });

  it("moves Committed → Failed with Flux's message when Ready=False for a revision containing the commit, and heals on a later Ready", async () => {
    const { cluster, tenant } = await world();
    const [good, bad] = [sha(), sha()];
    const t0 = Date.now() - 60_000;
    await seedCommitted(tenant.name, cluster, `${tenant.name}-ok`, good, new Date(t0));
    await seedCommitted(tenant.name, cluster, `${tenant.name}-bad`, bad, new Date(t0 + 1000));
    stub.putNamespace(`${tenant.name}-bad`);
    const message = 'ResourceQuota/berth-quota dry-run failed: spec.hard[requests.cpu]: Invalid value';
    stub.setKustomization({
      ready: { status: 'False', reason: 'ReconciliationFailed', message },
      lastAppliedRevision: rev(good),
      lastAttemptedRevision: rev(bad),
    });

    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok', failed: 1, ready: 0 });
    expect(await nsRow(cluster, `${tenant.name}-bad`)).toMatchObject({
      state: 'Failed',
      failedBy: 'Flux',
      lastError: `Flux: ReconciliationFailed: ${message}`,
    });
    expect((await nsRow(cluster, `${tenant.name}-ok`)).state).toBe('Committed'); // applied before the failing revision
    expect(await clusterRow(cluster)).toMatchObject({ statusReady: false, statusRevision: rev(good), statusMessage: message });
    const ns = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-bad`).set(bearer(tenant.viewer)).expect(200);
    expect(ns.body).toMatchObject({ state: 'Failed', lastError: expect.stringContaining(message) });

    stub.setKustomization({ ready: READY, lastAppliedRevision: rev(bad) });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ ready: 1 });
    expect(await nsRow(cluster, `${tenant.name}-bad`)).toMatchObject({ state: 'Ready', lastError: null, failedBy: null });
  });

  it('recovers from a stale resourceVersion (410 Gone) by listing again', async () => {
    const { cluster, tenant } = await world();
    const commit = sha();
    const name = `${tenant.name}-w`;
    await seedCommitted(tenant.name, cluster, name, commit, new Date());
    stub.setKustomization({ ready: READY, lastAppliedRevision: rev(commit) });
    stub.putNamespace(name);
    stub.putQuota(name, { 'requests.cpu': '100m' });
    await status.reconcileCluster(cluster);
    expect((await nsRow(cluster, name)).used).toEqual({ 'requests.cpu': '100m' });
    const lists = stub.listCount('resourcequotas');

    // Usage changes while the watch is down, history is compacted: resuming the watch answers 410.
    stub.compact();
    stub.putSilently('resourcequotas', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'berth-quota', namespace: name, resourceVersion: '' },
      status: { used: { 'requests.cpu': '900m' } },
    } as never);
    stub.dropWatches();
    await waitFor(
      async () => {
        await status.reconcileCluster(cluster);
        return (await nsRow(cluster, name)).used?.['requests.cpu'] === '900m';
      },
      { what: 'the usage read again after the watch resumed (900m)', timeoutMs: 5000, intervalMs: 50 },
    );
    expect(stub.listCount('resourcequotas')).toBeGreaterThan(lists);
  });

  it('leaves namespaces Committed and records why when the cluster is unreachable, refuses credentials or hangs; skips clusters without credentials', async () => {
    const { cluster, tenant } = await world();
    const commit = sha();
    await seedCommitted(tenant.name, cluster, `${tenant.name}-u`, commit, new Date());
    stub.writeKubeconfig(kubeDir, cluster, stub.token, 'http://127.0.0.1:1');
    const down = await status.reconcileCluster(cluster);
    expect(down).toMatchObject({ outcome: 'error', error: expect.stringMatching(/unreachable/) });
    expect((await nsRow(cluster, `${tenant.name}-u`)).state).toBe('Committed');
    expect((await clusterRow(cluster)).statusMessage).toMatch(/unreachable \(ECONNREFUSED\)/);

    stub.writeKubeconfig(kubeDir, cluster, 'wrong-token');
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'error', error: expect.stringMatching(/401/) });
    expect((await clusterRow(cluster)).statusMessage).toMatch(/401 Unauthorized/);
    expect((await clusterRow(cluster)).statusMessage).not.toContain('wrong-token');

    const other = await world({ kubeconfig: false });
    await seedCommitted(other.tenant.name, other.cluster, `${other.tenant.name}-s`, commit, new Date());
    expect(await status.reconcileCluster(other.cluster)).toEqual({ cluster: other.cluster, outcome: 'skipped' });
    expect(await nsRow(other.cluster, `${other.tenant.name}-s`)).toMatchObject({ state: 'Committed' });
    expect((await clusterRow(other.cluster)).statusCheckedAt).toBeNull();
  });

  it('an unreachable cluster does not show ready: true next to its error (ready is unknown; the last revision stays)', async () => {
    const { cluster } = await world();
    const revision = `main@sha1:${sha()}`;
    stub.setKustomization({ ready: { status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' }, lastAppliedRevision: revision });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok' });
    const admin = await adminToken();
    const statusOf = async () => {
      const res = await http(app).get('/v1/clusters?limit=500').set(bearer(admin)).expect(200);
      return (res.body.items as Array<{ name: string; status: { ready: boolean | null; revision: string; message: string } }>).find((c) => c.name === cluster)!
        .status;
    };
    expect(await statusOf()).toMatchObject({ ready: true, revision });
    stub.writeKubeconfig(kubeDir, cluster, stub.token, 'http://127.0.0.1:1');
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'error' });
    expect(await statusOf()).toMatchObject({ ready: null, revision, message: expect.stringMatching(/unreachable/) });
    stub.writeKubeconfig(kubeDir, cluster);
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok' });
    expect(await statusOf()).toMatchObject({ ready: true, revision });
  });

  it('times out on a hanging API server (typed error, namespaces unchanged)', async () => {
    const hanging = await new KubeStub().start();
    hanging.hang = true;
    const { cluster, tenant } = await world({ kubeconfig: false });
    hanging.writeKubeconfig(kubeDir, cluster);
    await seedCommitted(tenant.name, cluster, `${tenant.name}-h`, sha(), new Date());
    const started = Date.now();
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'error', error: expect.stringMatching(/no answer within/) });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await nsRow(cluster, `${tenant.name}-h`)).state).toBe('Committed');
    await hanging.stop();
  }, 30_000);

  it('one replica reads a cluster at a time (PostgreSQL advisory lock): the periodic job skips a cluster another replica holds', async () => {
    const { cluster } = await world();
    stub.setKustomization({ ready: READY, lastAppliedRevision: rev(sha()) });
    const other = new Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1, hashtext($2))', [0x62737473, cluster]);
      expect(await status.reconcileCluster(cluster, { wait: false })).toEqual({ cluster, outcome: 'busy' });
      await other.query('SELECT pg_advisory_unlock($1, hashtext($2))', [0x62737473, cluster]);
      expect(await status.reconcileCluster(cluster, { wait: false })).toMatchObject({ outcome: 'ok' });
    } finally {
      await other.end();
    }
  });

  describe('POST /v1/flux/events (Flux generic-hmac provider)', () => {
    const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const event = (over: Record<string, unknown> = {}) => ({
      involvedObject: {
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'berth-tenants',
        uid: randomUUID(),
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        resourceVersion: '1',
      },
      severity: 'info',
      timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      message: 'Reconciliation finished in 1s, next run in 10m0s',
      reason: 'ReconciliationSucceeded',
      metadata: { revision: rev(sha()) },
      reportingController: 'kustomize-controller',
      reportingInstance: 'kustomize-controller-7f5b8c',
      ...over,
    });
    const post = (cluster: string, body: string, signature?: string) => {
      const req = http(app).post(`/v1/flux/events?cluster=${cluster}`).set('content-type', 'application/json');
      return (signature ? req.set('X-Signature', signature) : req).send(body);
    };

    it('accepts a signed event and reconciles the cluster at once; refuses bad, missing and replayed signatures', async () => {
      const { cluster, tenant } = await world();
      const secret = randomBytes(24).toString('hex');
      fs.writeFileSync(path.join(secretDir, cluster), secret);
      const commit = sha();
      await seedCommitted(tenant.name, cluster, `${tenant.name}-hook`, commit, new Date());
      stub.putNamespace(`${tenant.name}-hook`);
      stub.setKustomization({ ready: READY, lastAppliedRevision: rev(commit) });

      const body = JSON.stringify(event({ metadata: { revision: rev(commit) } }));
      const ok = await post(cluster, body, sign(secret, body)).expect(202);
      expect(ok.body).toMatchObject({ cluster, action: 'reconciled', revision: rev(commit), ready: 1 });
      expect((await nsRow(cluster, `${tenant.name}-hook`)).state).toBe('Ready');

      const replay = await post(cluster, body, sign(secret, body));
      expectErrorShape(replay, 409);
      expect(replay.body.details[0].code).toBe('replayed');

      const other = JSON.stringify(event());
      const bad = await post(cluster, other, sign('not-the-secret', other));
      expectErrorShape(bad, 401);
      const tampered = await post(cluster, other.replace('finished', 'FINISHED'), sign(secret, other));
      expectErrorShape(tampered, 401);
      expectErrorShape(await post(cluster, other), 401);
      expectErrorShape(await post(cluster, other, 'sha1=abc'), 401);
      // Unknown cluster: the same answer as a bad signature.
      const unknown = await post('no-such-cluster', other, sign(secret, other));
      expectErrorShape(unknown, 401);
      expect(unknown.body.message).toBe(bad.body.message);
      // The same event, freshly signed but older than the window: refused.
      const old = JSON.stringify(event({ timestamp: new Date(Date.now() - 11 * 60_000).toISOString() }));
      const stale = await post(cluster, old, sign(secret, old));
      expectErrorShape(stale, 401);
      expect(stale.body.details[0].code).toBe('stale-event');
      // Malformed: not JSON (400 from the parser), or a signed body that is not a Flux event.
      expectErrorShape(await post(cluster, '{"involvedObject":', sign(secret, '{"involvedObject":')), 400);
      const wrong = JSON.stringify({ involvedObject: { kind: 'Kustomization' }, severity: 'panic' });
      const invalid = await post(cluster, wrong, sign(secret, wrong));
      expectErrorShape(invalid, 400);
      expect(invalid.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['severity', 'timestamp']));
      // Events about other objects are accepted and ignored.
      const foreign = JSON.stringify(event({ involvedObject: { kind: 'HelmRelease', namespace: 'apps', name: 'x' } }));
      expect((await post(cluster, foreign, sign(secret, foreign)).expect(202)).body).toEqual({ cluster, action: 'ignored' });
    });

    it('applies the event itself for a cluster Berth cannot read (no kubeconfig): Ready on success, Failed on error', async () => {
      const { cluster, tenant } = await world({ kubeconfig: false });
      const secret = randomBytes(24).toString('hex');
      fs.writeFileSync(path.join(secretDir, cluster), secret);
      const [a, b] = [sha(), sha()];
      await seedCommitted(tenant.name, cluster, `${tenant.name}-a`, a, new Date(Date.now() - 5000));
      await seedCommitted(tenant.name, cluster, `${tenant.name}-b`, b, new Date());

      const success = JSON.stringify(event({ metadata: { revision: rev(a) } }));
      expect((await post(cluster, success, sign(secret, success)).expect(202)).body).toMatchObject({ action: 'applied', ready: 1 });
      expect((await nsRow(cluster, `${tenant.name}-a`)).state).toBe('Ready');
      const failure = JSON.stringify(
        event({
          severity: 'error',
          reason: 'HealthCheckFailed',
          message: 'timeout waiting for: [Deployment/x status: InProgress]',
          metadata: { revision: rev(b) },
        }),
      );
      expect((await post(cluster, failure, sign(secret, failure)).expect(202)).body).toMatchObject({ action: 'applied', failed: 1 });
      expect(await nsRow(cluster, `${tenant.name}-b`)).toMatchObject({
        state: 'Failed',
        lastError: 'Flux: HealthCheckFailed: timeout waiting for: [Deployment/x status: InProgress]',
      });
    });
    // Flux's generic-hmac provider (notification-controller) signs the body with the Secret's `token` bytes as
    // stored: a Secret created with `--from-file` keeps the file's trailing newline, and so must Berth.
    it('verifies with the secret file byte for byte (a trailing newline is part of the key, as in Flux)', async () => {
      const { cluster } = await world({ kubeconfig: false });
      const secret = `${randomBytes(24).toString('hex')}\n`;
      fs.writeFileSync(path.join(secretDir, cluster), secret);
      const body = JSON.stringify(event({ involvedObject: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' } }));
      expect((await post(cluster, body, sign(secret.trimEnd(), body))).status).toBe(401);
      expect((await post(cluster, body, sign(secret, body)).expect(202)).body).toEqual({ cluster, action: 'ignored' });
    });

    // notification-controller lets events carry messages up to 39,000 characters (longer ones are cut there) and
    // its generic provider posts them whole; long failure messages (kustomize build errors) must not be lost.
    it('accepts messages up to 39,000 characters and bodies beyond the 1 MiB limit of other routes', async () => {
      const { cluster, tenant } = await world({ kubeconfig: false });
      const secret = randomBytes(24).toString('hex');
      fs.writeFileSync(path.join(secretDir, cluster), secret);
      const commit = sha();
      await seedCommitted(tenant.name, cluster, `${tenant.name}-long`, commit, new Date());
      const message = `kustomize build failed: ${'x'.repeat(39_000 - 24)}`;
      const long = JSON.stringify(event({ severity: 'error', reason: 'BuildFailed', message, metadata: { revision: rev(commit) } }));
      expect((await post(cluster, long, sign(secret, long)).expect(202)).body).toMatchObject({ action: 'applied', failed: 1 });
      const tooLong = JSON.stringify(event({ message: 'y'.repeat(39_001) }));
      expect((await post(cluster, tooLong, sign(secret, tooLong))).status).toBe(400);
      // 1.5 MiB of metadata-free padding in an extra field Flux may add: over the general limit, under Flux's 3 MiB.
      const big = JSON.stringify({
        ...event({ involvedObject: { kind: 'GitRepository', name: 'x', namespace: 'flux-system' } }),
        padding: 'p'.repeat(1_500_000),
      });
      expect((await post(cluster, big, sign(secret, big)).expect(202)).body).toEqual({ cluster, action: 'ignored' });
    });

    it('an event whose apply fails stays retryable: the same bytes are applied on retry, not refused as a replay', async () => {
      const { cluster, tenant } = await world({ kubeconfig: false });
      const secret = randomBytes(24).toString('hex');
      fs.writeFileSync(path.join(secretDir, cluster), secret);
      const commit = sha();
      await seedCommitted(tenant.name, cluster, `${tenant.name}-retry`, commit, new Date());
      const body = JSON.stringify(event({ metadata: { revision: rev(commit) } }));
      // A real failure inside the apply: PostgreSQL refuses any update of this cluster's namespaces.
      const fn = `berth_test_fail_${cluster.replace(/-/g, '_')}`;
      await sql(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
      await sql(`CREATE TRIGGER ${fn} BEFORE UPDATE ON "Namespace" FOR EACH ROW WHEN (NEW.cluster = '${cluster}') EXECUTE FUNCTION ${fn}()`);
      try {
        expect((await post(cluster, body, sign(secret, body))).status).toBe(500);
      } finally {
        await sql(`DROP TRIGGER ${fn} ON "Namespace"`);
        await sql(`DROP FUNCTION ${fn}()`);
      }
      expect((await post(cluster, body, sign(secret, body)).expect(202)).body).toMatchObject({ action: 'applied', ready: 1 });
      expect((await nsRow(cluster, `${tenant.name}-retry`)).state).toBe('Ready');
      expect((await post(cluster, body, sign(secret, body))).status).toBe(409); // once applied, a replay again
    });
  });

  it('documents the webhook and the new fields in the OpenAPI document', async () => {
    const doc = (await http(app).get('/openapi.json').expect(200)).body;
    expect(doc.paths['/v1/flux/events'].post.security ?? []).toEqual([]);
    expect(doc.components.schemas.NamespaceResponse.properties).toEqual(expect.objectContaining({ used: expect.any(Object), readyAt: expect.any(Object) }));
    expect(doc.components.schemas.ResourceUsage.properties.used).toBeDefined();
  });

  it("cross-tenant: a member of tenant A gets 404 on B's usage and namespaces (with used and readyAt)", async () => {
    const { cluster, tenant: b } = await world();
    const a: TenantFixture = await newTenant(http(app), { allowedClusters: [cluster] });
    await seedCommitted(b.name, cluster, `${b.name}-x`, sha(), new Date());
    for (const token of [a.owner, a.developer, a.viewer]) {
      expectErrorShape(await http(app).get(`/v1/tenants/${b.name}/usage`).set(bearer(token)), 404);
      expectErrorShape(await http(app).get(`/v1/tenants/${b.name}/namespaces/${b.name}-x`).set(bearer(token)), 404);
      expectErrorShape(await http(app).get(`/v1/tenants/${b.name}/namespaces`).set(bearer(token)), 404);
    }
    await http(app).get(`/v1/tenants/${b.name}/usage`).set(bearer(b.viewer)).expect(200);
  });
});
