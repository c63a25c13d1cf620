import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { MetricsServer } from '@berth/common/metrics';
import { ClusterStatusService } from '../apps/api/src/cluster-status/cluster-status.service';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { bearer, newTenant, uniqueName } from './helpers/fixtures';
import { FleetEnv, fleetEnv, freePort, startWorker } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { KubeStub } from './helpers/kube-stub';
import { adminToken } from './helpers/tokens';

jest.setTimeout(90_000);

/** The value of one sample of a Prometheus text exposition (0 when the series is absent: a counter not yet incremented). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return 0;
}

/** Runs `start` with extra environment variables (config is read when the app is created), then restores them. */
async function withEnv<T>(vars: Record<string, string>, start: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await start();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A cluster, an auto-approved tier, a manual tier, and a tenant allowed to use them. */
async function world(app: NestFastifyApplication) {
  const api = http(app);
  const admin = await adminToken();
  const cluster = uniqueName('c');
  const small = uniqueName('small');
  const gated = uniqueName('gated');
  await api.post('/v1/clusters').set(bearer(admin)).send({ name: cluster }).expect(201);
  await api
    .post('/v1/quota-tiers')
    .set(bearer(admin))
    .send({ name: small, resources: { 'requests.cpu': '1', 'limits.memory': '4Gi' } })
    .expect(201);
  await api
    .post('/v1/quota-tiers')
    .set(bearer(admin))
    .send({ name: gated, resources: { 'requests.cpu': '1', 'limits.memory': '4Gi' }, autoApprove: false })
    .expect(201);
  const budget = { 'requests.cpu': '4', 'limits.memory': '16Gi', namespaces: 5 };
  const tenant = await newTenant(api, { budget, allowedClusters: [cluster], allowedTiers: [small, gated] });
  return { cluster, small, gated, tenant };
}

const ROUTE = '/v1/tenants/:tenant/namespace-requests';

describe('GET /metrics on the API port (open), after real requests', () => {
  let env: FleetEnv;
  let app: NestFastifyApplication;
  let stub: KubeStub;
  const kubeDir = mkdtempSync(join(tmpdir(), 'berth-metrics-kube-'));
  const scrape = async () => (await http(app).get('/metrics').expect(200)).text;

  beforeAll(async () => {
    env = await fleetEnv({ BERTH_FLEET_WRITER: 'inline' });
    stub = await new KubeStub().start();
    // Cluster status is read on demand below (no periodic job).
    app = await withEnv({ BERTH_KUBECONFIG_DIR: kubeDir, BERTH_STATUS_INTERVAL_SECONDS: '0' }, startApp);
  });
  afterAll(async () => {
    await app?.close();
    await stub?.stop();
    await env?.cleanup();
    rmSync(kubeDir, { recursive: true, force: true });
  });

  it('counts an approved, a denied and a pending create by route template, status, outcome and reason code; shows the approval queue', async () => {
    const { cluster, small, gated, tenant } = await world(app);
    const before = await scrape();
    const post = (name: string, tier: string) =>
      http(app).post(`/v1/tenants/${tenant.name}/namespace-requests`).set(bearer(tenant.developer)).send({ name, cluster, tier });
    const approved = await post(`${tenant.name}-ok`, small).expect(201);
    expect(approved.body.state).toBe('Approved');
    const pending = await post(`${tenant.name}-wait`, gated).expect(201);
    expect(pending.body.state).toBe('PendingApproval');
    const denied = await http(app)
      .post(`/v1/tenants/${tenant.name}/namespace-requests`)
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-bad`, cluster, tier: small, labels: { 'kubernetes.io/x': 'y' } })
      .expect(422);
    expect(denied.body.details).toEqual([expect.objectContaining({ code: 'labels.reserved', severity: 'deny' })]);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(after).toContain('# TYPE berth_http_requests_duration_seconds histogram');
    expect(delta('berth_http_requests_duration_seconds_count', { route: ROUTE, method: 'POST', status: '201' })).toBe(2);
    expect(delta('berth_http_requests_duration_seconds_count', { route: ROUTE, method: 'POST', status: '422' })).toBe(1);
    expect(delta('berth_http_requests_duration_seconds_bucket', { route: ROUTE, method: 'POST', status: '201', le: '+Inf' })).toBe(2);
    // The template, never the raw URL with a tenant's name in it.
    expect(after).not.toContain(`route="/v1/tenants/${tenant.name}`);
    expect(delta('berth_policy_decisions_total', { outcome: 'approve' })).toBe(1);
    expect(delta('berth_policy_decisions_total', { outcome: 'needs-approval' })).toBe(1);
    expect(delta('berth_policy_decisions_total', { outcome: 'deny' })).toBe(1);
    expect(delta('berth_policy_reasons_total', { code: 'tier.requires-approval' })).toBe(1);
    expect(delta('berth_policy_reasons_total', { code: 'labels.reserved', severity: 'deny' })).toBe(1);
    expect(delta('berth_pending_approvals')).toBe(1);
    const queued = await sql<{ count: number }>(`SELECT count(*)::int AS count FROM "NamespaceRequest" WHERE state = 'PendingApproval'`);
    expect(sample(after, 'berth_pending_approvals')).toBe(queued[0].count);
    expect(sample(after, 'berth_pending_approval_oldest_age_seconds')).toBeGreaterThan(0);

    // The approver decides: the queue shrinks at the next scrape.
    await http(app)
      .post(`/v1/namespace-requests/${pending.body.id}/reject`)
      .set(bearer(await adminToken()))
      .send({ comment: 'no' })
      .expect(200);
    expect(sample(await scrape(), 'berth_pending_approvals')).toBe(queued[0].count - 1);
  });

  it('shows fleet writer batches, commits, push latency, approval → Committed and the last push after a real commit; then Committed → Ready, status lag and errors per cluster', async () => {
    const { cluster, small, tenant } = await world(app);
    const before = await scrape();
    const created = await http(app)
      .post(`/v1/tenants/${tenant.name}/namespace-requests`)
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-fleet`, cluster, tier: small })
      .expect(201);
    await waitFor(
      async () => (await sql<{ state: string }>('SELECT state FROM "NamespaceRequest" WHERE id = $1', [created.body.id]))[0]?.state === 'Committed',
      { what: 'the request Committed' },
    );
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('berth_fleet_batches_total')).toBeGreaterThanOrEqual(1);
    expect(delta('berth_fleet_commits_total')).toBeGreaterThanOrEqual(1);
    expect(delta('berth_fleet_push_duration_seconds_count', { result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'berth_fleet_push_duration_seconds_sum', { result: 'ok' })).toBeGreaterThan(0);
    expect(delta('berth_approval_to_committed_seconds_count')).toBeGreaterThanOrEqual(1);
    const lastPush = sample(after, 'berth_fleet_last_push_timestamp_seconds');
    expect(Math.abs(Date.now() / 1000 - lastPush)).toBeLessThan(60);
    expect(sample(after, 'berth_fleet_pending_requests')).toBe(0);
    expect(delta('berth_fleet_retries_total')).toBe(0);

    // Flux applies that commit: the status read moves the namespace Ready and observes Committed → Ready.
    const [{ commitSha }] = await sql<{ commitSha: string }>('SELECT "commitSha" FROM "NamespaceRequest" WHERE id = $1', [created.body.id]);
    stub.writeKubeconfig(kubeDir, cluster);
    stub.setKustomization({ ready: { status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' }, lastAppliedRevision: `main@sha1:${commitSha}` });
    stub.putNamespace(`${tenant.name}-fleet`);
    const status = app.get(ClusterStatusService);
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'ok', ready: 1 });
    const read = await scrape();
    expect(sample(read, 'berth_committed_to_ready_seconds_count') - sample(after, 'berth_committed_to_ready_seconds_count')).toBe(1);
    expect(sample(read, 'berth_cluster_status_reconcile_lag_seconds', { cluster })).toBeLessThan(5);
    expect(sample(read, 'berth_cluster_status_errors_total', { cluster })).toBe(0);

    // The cluster becomes unreachable: errors count per cluster, the lag keeps growing from the last good read.
    stub.writeKubeconfig(kubeDir, cluster, stub.token, 'http://127.0.0.1:1');
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'error' });
    expect(await status.reconcileCluster(cluster)).toMatchObject({ outcome: 'error' });
    const down = await scrape();
    expect(sample(down, 'berth_cluster_status_errors_total', { cluster })).toBe(2);
    // The lag is wall-clock seconds since the last good read: it passes a second without another success.
    await waitFor(async () => sample(await scrape(), 'berth_cluster_status_reconcile_lag_seconds', { cluster }) > 1 || null, {
      what: 'lag > 1 s',
      timeoutMs: 5000,
    });
  });

  it('is plain text, outside the OpenAPI document and the API guards, and answers HEAD; other methods get 405', async () => {
    const res = await http(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain('# TYPE berth_webhook_deliveries_total counter');
    expect(res.text).toContain('process_cpu_seconds_total');
    const doc = await http(app).get('/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).not.toContain('/metrics');
    await http(app).head('/metrics').expect(200);
    // Requests no route matched share one series, whatever their path.
    await http(app).get(`/v1/nothing-here-${uniqueName()}`).expect(404);
    expect(sample(await scrape(), 'berth_http_requests_duration_seconds_count', { route: 'unmatched', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(
      1,
    );
    await http(app).post('/metrics').expect(405);
  });
});

describe('GET /metrics behind a bearer token (BERTH_METRICS_TOKEN_FILE)', () => {
  let dir: string;
  let app: NestFastifyApplication;
  const token = `metrics-${uniqueName()}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-metrics-'));
    await writeFile(join(dir, 'token'), `${token}\n`);
    // A tight rate limit: scrapes must not count against it.
    app = await withEnv({ BERTH_METRICS_TOKEN_FILE: join(dir, 'token'), BERTH_RATE_LIMIT_PER_MINUTE: '2' }, startApp);
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 401 in the error shape without the token or with another one, 200 with it, and never rate-limits scrapes', async () => {
    const none = await http(app).get('/metrics').set('X-Request-Id', 'scrape-1').expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', requestId: 'scrape-1', details: [{ code: 'metrics-token-required' }] });
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    await http(app).get('/metrics').set(bearer('not-the-token')).expect(401);
    // An API credential is not the scrape token.
    await http(app)
      .get('/metrics')
      .set(bearer(await adminToken()))
      .expect(401);
    for (let i = 0; i < 5; i++) {
      const ok = await http(app).get('/metrics').set(bearer(token)).expect(200);
      expect(ok.text).toContain('berth_pending_approvals');
    }
  });

  it('refuses to start with a token file that is missing or empty', async () => {
    await expect(withEnv({ BERTH_METRICS_TOKEN_FILE: join(dir, 'absent') }, startApp)).rejects.toThrow(/BERTH_METRICS_TOKEN_FILE cannot be read/);
    await writeFile(join(dir, 'empty'), '\n');
    await expect(withEnv({ BERTH_METRICS_TOKEN_FILE: join(dir, 'empty') }, startApp)).rejects.toThrow(/BERTH_METRICS_TOKEN_FILE .* is empty/);
  });

  it('reads the token file at each scrape: a rotated Secret applies without a restart', async () => {
    await writeFile(join(dir, 'token'), 'rotated-token');
    await http(app).get('/metrics').set(bearer(token)).expect(401);
    await http(app).get('/metrics').set(bearer('rotated-token')).expect(200);
    await writeFile(join(dir, 'token'), token);
  });
});

describe('GET /metrics on a port of its own (BERTH_METRICS_PORT)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await withEnv({ BERTH_METRICS_PORT: '0' }, startApp);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves /metrics there (without API credentials) and not on the API port', async () => {
    const port = app.get(MetricsServer).port();
    expect(port).toEqual(expect.any(Number));
    const res = await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200);
    expect(res.text).toContain('# TYPE berth_policy_decisions_total counter');
    await request(`http://127.0.0.1:${port}`).get('/v1/me').expect(404);
    await http(app).get('/metrics').expect(404);
  });
});

describe('apps/worker exports its metrics on BERTH_METRICS_PORT', () => {
  it('serves the fleet writer metrics of the built worker process', async () => {
    const env = await fleetEnv();
    const port = await freePort();
    const worker = startWorker(env, 'metrics', { BERTH_METRICS_PORT: String(port), HOST: '127.0.0.1' });
    try {
      await worker.ready;
      const text = await waitFor(
        async () => {
          const res = await request(`http://127.0.0.1:${port}`)
            .get('/metrics')
            .catch(() => null);
          return res?.status === 200 ? res.text : null;
        },
        { what: "the worker's /metrics" },
      );
      expect(text).toContain('# TYPE berth_fleet_pending_requests gauge');
      expect(text).toContain('berth_fleet_last_push_timestamp_seconds');
      // No HTTP API there: the worker serves metrics only.
      expect((await request(`http://127.0.0.1:${port}`).get('/healthz')).status).toBe(404);
    } finally {
      await worker.stop();
      await env.cleanup();
    }
  });
});
