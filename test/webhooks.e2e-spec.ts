import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { ClusterStatusService } from '../apps/api/src/cluster-status/cluster-status.service';
import { NamespaceExpiryService } from '../apps/api/src/namespaces/namespace-expiry.service';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { bearer, newTenant, TenantFixture, uniqueName } from './helpers/fixtures';
import { FleetEnv, fleetEnv, foreignCommit, TRAILER } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { KubeStub } from './helpers/kube-stub';
import { adminToken } from './helpers/tokens';

/**
 * Standard Webhooks verification, written from the specification (not with Berth's signer): the key is
 * the base64 part of `whsec_…`, the signed content `{id}.{timestamp}.{body}`, the header a space
 * separated list of `v1,<base64 HMAC-SHA256>`; a message is authentic if any listed signature matches.
 */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = Number(headers['webhook-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature] = entry.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  type: string;
  status: number;
  namespace: string;
  /** When it arrived (ms). */
  at: number;
}

/**
 * The test receiver, on 127.0.0.2 (loopback, allowlisted below; 127.0.0.1 stays refused). Each path
 * answers with the next status of its script (then 204), and every request is recorded.
 */
class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const status = this.scripts.get(req.url!)?.shift() ?? 204;
        const parsed = JSON.parse(body) as { type: string; data: { cluster: string; namespace: string } };
        this.received.push({
          path: req.url!,
          headers: req.headers,
          body,
          type: parsed.type,
          status,
          namespace: `${parsed.data.cluster}/${parsed.data.namespace}`,
          at: Date.now(),
        });
        res.statusCode = status;
        res.end(status >= 300 ? 'receiver says no' : '');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.2', resolve));
    this.base = `http://127.0.0.2:${(this.server.address() as AddressInfo).port}`;
  }

  script(path: string, statuses: number[]): string {
    this.scripts.set(path, [...statuses]);
    return `${this.base}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** The events a path accepted (2xx), in arrival order. */
  accepted(path: string): Received[] {
    return this.at(path).filter((r) => r.status < 300);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

jest.setTimeout(90_000);

/** The fleet writers' advisory lock (the writer's constant): holding it pauses every writer. */
const WRITER_LOCK_KEY = 0x62657274;

const kubeDir = mkdtempSync(join(tmpdir(), 'berth-webhooks-kube-'));
const ENV = {
  BERTH_WEBHOOK_ALLOWED_HOSTS: '127.0.0.2',
  BERTH_WEBHOOK_MAX_ATTEMPTS: '3',
  BERTH_WEBHOOK_RETRY_BASE_SECONDS: '0.2',
  // Cluster status and TTL expiry run on demand below (no periodic jobs).
  BERTH_KUBECONFIG_DIR: kubeDir,
  BERTH_STATUS_INTERVAL_SECONDS: '0',
  BERTH_EXPIRY_INTERVAL_SECONDS: '0',
};

describe('outbound webhooks (Standard Webhooks, real PostgreSQL, a receiver on loopback)', () => {
  let app: NestFastifyApplication;
  let fleet: FleetEnv;
  const receiver = new Receiver();
  let stub: KubeStub;
  const saved: Record<string, string | undefined> = {};
  let admin: string;
  let cluster: string;
  let small: string;
  let gated: string;

  beforeAll(async () => {
    for (const [k, v] of Object.entries(ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    fleet = await fleetEnv({ BERTH_FLEET_WRITER: 'inline' });
    await receiver.start();
    stub = await new KubeStub().start();
    app = await startApp();
    admin = await adminToken();
    cluster = uniqueName('c');
    small = uniqueName('small');
    gated = uniqueName('gated');
    await http(app).post('/v1/clusters').set(bearer(admin)).send({ name: cluster }).expect(201);
    await http(app)
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: small, resources: { 'requests.cpu': '100m', 'limits.memory': '128Mi' } })
      .expect(201);
    await http(app)
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: gated, resources: { 'requests.cpu': '100m', 'limits.memory': '128Mi' }, autoApprove: false })
      .expect(201);
  });
  afterAll(async () => {
    await app?.close();
    await receiver.stop();
    await stub?.stop();
    rmSync(kubeDir, { recursive: true, force: true });
    await fleet?.cleanup();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const tenantWorld = () =>
    newTenant(http(app), { budget: { 'requests.cpu': '2', 'limits.memory': '2Gi', namespaces: 10 }, allowedClusters: [cluster], allowedTiers: [small, gated] });
  const subscribe = async (tenant: TenantFixture, url: string, eventTypes = ['namespace-request.*', 'namespace.*']) => {
    const res = await http(app).post(`/v1/tenants/${tenant.name}/webhooks`).set(bearer(tenant.owner)).send({ url, eventTypes }).expect(201);
    return res.body as { id: string; secret: string };
  };
  const ask = (tenant: TenantFixture, name: string, tier = small, extra: Record<string, unknown> = {}) =>
    http(app)
      .post(`/v1/tenants/${tenant.name}/namespace-requests`)
      .set(bearer(tenant.developer))
      .send({ name, cluster, tier, ...extra })
      .expect(201);
  const deliveries = async (tenant: TenantFixture, id: string) =>
    (await http(app).get(`/v1/tenants/${tenant.name}/webhooks/${id}/deliveries`).set(bearer(tenant.owner)).expect(200)).body.items as Array<
      Record<string, unknown>
    >;

  it('signs every delivery per the spec and sends created → approved → committed for an auto-approved namespace, in order', async () => {
    const tenant = await tenantWorld();
    const hook = await subscribe(tenant, receiver.script('/signed', []));
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await http(app).get(`/v1/tenants/${tenant.name}/webhooks`).set(bearer(tenant.owner)).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: hook.id, tenant: tenant.name })]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');

    const name = `${tenant.name}-a`;
    const request = await ask(tenant, name);
    const got = await waitFor(() => (receiver.at('/signed').length >= 3 ? receiver.at('/signed') : null), { what: 'three deliveries', timeoutMs: 30_000 });
    expect(got.map((r) => r.type)).toEqual(['namespace-request.created', 'namespace-request.approved', 'namespace.committed']);
    for (const r of got) {
      expect(verify(hook.secret, r.headers, r.body)).toBe(true);
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(verify('whsec_' + Buffer.alloc(32, 1).toString('base64'), got[0].headers, got[0].body)).toBe(false);
    expect(verify(hook.secret, got[0].headers, got[0].body.replace('created', 'createx'))).toBe(false);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(3);
    const committed = JSON.parse(got[2].body);
    expect(committed).toMatchObject({
      type: 'namespace.committed',
      timestamp: expect.any(String),
      data: { tenant: tenant.name, cluster, namespace: name, requestId: request.body.id, kind: 'Create', commitSha: expect.stringMatching(/^[0-9a-f]{40}$/) },
    });
    const log = await deliveries(tenant, hook.id);
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({ eventType: 'namespace.committed', status: 'Succeeded', attempts: 1, lastStatusCode: 204, nextAttemptAt: null });
    expect(typeof log[0].lastDurationMs).toBe('number');
  });

  it('sends namespace.ready when the cluster reports the commit applied (status reconciler)', async () => {
    const tenant = await tenantWorld();
    await subscribe(tenant, receiver.script('/ready', []), ['namespace.committed', 'namespace.ready']);
    const name = `${tenant.name}-ready`;
    await ask(tenant, name);
    const [committed] = await waitFor(() => (receiver.at('/ready').length >= 1 ? receiver.at('/ready') : null), {
      what: 'namespace.committed',
      timeoutMs: 30_000,
    });
    const { commitSha } = JSON.parse(committed.body).data as { commitSha: string };
    stub.writeKubeconfig(kubeDir, cluster);
    stub.setKustomization({ ready: { status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' }, lastAppliedRevision: `main@sha1:${commitSha}` });
    stub.putNamespace(name);
    await app.get(ClusterStatusService).reconcileCluster(cluster);
    const got = await waitFor(() => (receiver.at('/ready').length >= 2 ? receiver.at('/ready') : null), { what: 'namespace.ready', timeoutMs: 20_000 });
    expect(got.map((r) => r.type)).toEqual(['namespace.committed', 'namespace.ready']);
    expect(JSON.parse(got[1].body).data).toMatchObject({ tenant: tenant.name, cluster, namespace: name, state: 'Ready', commitSha });
  });

  it('sends namespace.failed when Flux fails the revision that carries the namespace (status reconciler)', async () => {
    const tenant = await tenantWorld();
    await subscribe(tenant, receiver.script('/flux-failed', []), ['namespace.committed', 'namespace.failed']);
    const name = `${tenant.name}-flux`;
    await ask(tenant, name);
    const [committed] = await waitFor(() => (receiver.at('/flux-failed').length >= 1 ? receiver.at('/flux-failed') : null), {
      what: 'namespace.committed',
      timeoutMs: 30_000,
    });
    const { commitSha } = JSON.parse(committed.body).data as { commitSha: string };
    stub.writeKubeconfig(kubeDir, cluster);
    stub.setKustomization({
      ready: { status: 'False', reason: 'ReconciliationFailed', message: 'quota invalid' },
      lastAttemptedRevision: `main@sha1:${commitSha}`,
    });
    await app.get(ClusterStatusService).reconcileCluster(cluster);
    const got = await waitFor(() => (receiver.at('/flux-failed').length >= 2 ? receiver.at('/flux-failed') : null), {
      what: 'namespace.failed',
      timeoutMs: 20_000,
    });
    expect(got[1].type).toBe('namespace.failed');
    expect(JSON.parse(got[1].body).data).toMatchObject({ namespace: name, state: 'Failed', reason: 'ReconciliationFailed: quota invalid' });
  });

  it('sends namespace.failed when the fleet writer cannot render a change', async () => {
    const tenant = await tenantWorld();
    await subscribe(tenant, receiver.script('/failed', []), ['namespace.failed', 'namespace.committed']);
    const name = `${tenant.name}-bad`;
    // Hold the writers' lock (as another replica would) while the desired state is poisoned behind the API's back.
    const lock = new Client({ connectionString: process.env.DATABASE_URL });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [WRITER_LOCK_KEY]);
      const request = await ask(tenant, name);
      await sql(
        `UPDATE "Namespace" SET spec = jsonb_set(spec::jsonb, '{access}', '[{"subject":{"kind":"User","name":"mallory"},"role":"cluster-admin"}]'::jsonb) WHERE "requestId" = $1`,
        [request.body.id],
      );
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK_KEY]).catch(() => undefined);
      await lock.end();
    }
    const [got] = await waitFor(() => (receiver.at('/failed').length >= 1 ? receiver.at('/failed') : null), { what: 'namespace.failed', timeoutMs: 30_000 });
    expect(got.type).toBe('namespace.failed');
    expect(JSON.parse(got.body).data).toMatchObject({ namespace: name, state: 'Failed', reason: expect.stringContaining('cluster-admin') });
  });

  it('sends namespace.committed for a commit found on the remote after a crash (recovered by its trailer)', async () => {
    const tenant = await tenantWorld();
    await subscribe(tenant, receiver.script('/recovered', []), ['namespace.committed']);
    const lock = new Client({ connectionString: process.env.DATABASE_URL });
    await lock.connect();
    let sha: string;
    let id: string;
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [WRITER_LOCK_KEY]);
      id = (await ask(tenant, `${tenant.name}-rec`)).body.id;
      // As if a writer had pushed this request's commit and crashed before recording it.
      sha = await foreignCommit(fleet, { [`recovered/${id}.txt`]: 'x' }, `Recovered\n\n${TRAILER}: ${id}`);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [WRITER_LOCK_KEY]).catch(() => undefined);
      await lock.end();
    }
    const [got] = await waitFor(() => (receiver.at('/recovered').length >= 1 ? receiver.at('/recovered') : null), {
      what: 'namespace.committed',
      timeoutMs: 30_000,
    });
    expect(JSON.parse(got.body).data).toMatchObject({ requestId: id, commitSha: sha });
  });

  it('sends namespace.expiring when a TTL runs out, then namespace.deleted once the delete is committed', async () => {
    const tenant = await tenantWorld();
    await subscribe(tenant, receiver.script('/expiry', []), ['namespace.*']);
    const name = `${tenant.name}-ttl`;
    await ask(tenant, name, small, { ttl: '1h' });
    await waitFor(() => (receiver.at('/expiry').length >= 1 ? true : null), { what: 'namespace.committed', timeoutMs: 30_000 });
    const [ns] = await sql<{ id: string; tenantId: string }>('SELECT id, "tenantId" FROM "Namespace" WHERE name = $1', [name]);
    expect(await app.get(NamespaceExpiryService).expire(ns.id, ns.tenantId, new Date(Date.now() + 2 * 3600_000))).toBe(true);
    const got = await waitFor(() => (receiver.at('/expiry').length >= 4 ? receiver.at('/expiry') : null), { what: 'expiry events', timeoutMs: 30_000 });
    expect(got.map((r) => r.type)).toEqual(['namespace.committed', 'namespace.expiring', 'namespace.committed', 'namespace.deleted']);
    expect(JSON.parse(got[3].body).data).toMatchObject({ namespace: name, kind: 'Delete', requestedBy: 'system:ttl' });
  });

  it('sends preview.created and preview.deleted', async () => {
    const tenant = await tenantWorld();
    await subscribe(tenant, receiver.script('/previews', []), ['preview.*']);
    const body = { repository: 'team/app', pullRequest: 42, headSha: 'a'.repeat(40), tier: small };
    await http(app).post(`/v1/tenants/${tenant.name}/previews`).set(bearer(tenant.developer)).send(body).expect(201);
    await http(app).delete(`/v1/tenants/${tenant.name}/previews/42`).set(bearer(tenant.developer)).expect(202);
    const got = await waitFor(() => (receiver.at('/previews').length >= 2 ? receiver.at('/previews') : null), { what: 'preview events', timeoutMs: 20_000 });
    expect(got.map((r) => r.type)).toEqual(['preview.created', 'preview.deleted']);
    expect(JSON.parse(got[1].body).data).toMatchObject({
      tenant: tenant.name,
      cluster,
      repository: 'team/app',
      pullRequest: 42,
      requestId: expect.any(String),
    });
  });

  it('sends pending-approval, then rejected; filters by event type', async () => {
    const tenant = await tenantWorld();
    const hook = await subscribe(tenant, receiver.script('/decisions', []), [
      'namespace-request.pending-approval',
      'namespace-request.rejected',
      'namespace-request.cancelled',
    ]);
    const pending = await ask(tenant, `${tenant.name}-gated`, gated);
    await http(app).post(`/v1/namespace-requests/${pending.body.id}/reject`).set(bearer(admin)).send({ comment: 'no' }).expect(200);
    const second = await ask(tenant, `${tenant.name}-gated2`, gated);
    await http(app).post(`/v1/namespace-requests/${second.body.id}/cancel`).set(bearer(tenant.owner)).send({}).expect(200);
    const got = await waitFor(() => (receiver.at('/decisions').length >= 4 ? receiver.at('/decisions') : null), { what: 'decisions', timeoutMs: 20_000 });
    expect(got.map((r) => r.type).sort()).toEqual(
      ['namespace-request.cancelled', 'namespace-request.pending-approval', 'namespace-request.pending-approval', 'namespace-request.rejected'].sort(),
    );
    const rejected = JSON.parse(got.find((r) => r.type === 'namespace-request.rejected')!.body);
    expect(rejected.data).toMatchObject({ requestId: pending.body.id, state: 'Rejected', comment: 'no' });
    expect((await deliveries(tenant, hook.id)).every((d) => d.status === 'Succeeded')).toBe(true);
  });

  it('retries after a 500 with the same webhook-id, then succeeds; the log shows both attempts', async () => {
    const tenant = await tenantWorld();
    const hook = await subscribe(tenant, receiver.script('/flaky', [500]), ['namespace-request.created']);
    await ask(tenant, `${tenant.name}-f`);
    const got = await waitFor(() => (receiver.accepted('/flaky').length >= 1 ? receiver.at('/flaky') : null), {
      what: 'a retried delivery',
      timeoutMs: 20_000,
    });
    expect(got.map((r) => r.status)).toEqual([500, 204]);
    expect(got[0].headers['webhook-id']).toBe(got[1].headers['webhook-id']);
    const [log] = await deliveries(tenant, hook.id);
    expect(log).toMatchObject({ status: 'Succeeded', attempts: 2, lastStatusCode: 204, lastError: null });
  });

  it('dead-letters after BERTH_WEBHOOK_MAX_ATTEMPTS failures with backoff; a redelivery sends it again', async () => {
    const tenant = await tenantWorld();
    const hook = await subscribe(tenant, receiver.script('/down', [500, 503, 500]), ['namespace-request.created']);
    await ask(tenant, `${tenant.name}-d`);
    const [dead] = await waitFor(
      async () => {
        const log = await deliveries(tenant, hook.id);
        return log[0]?.status === 'Dead' ? log : null;
      },
      { what: 'a dead delivery', timeoutMs: 30_000 },
    );
    expect(dead).toMatchObject({ attempts: 3, lastStatusCode: 500, nextAttemptAt: null, lastError: expect.stringContaining('HTTP 500') });
    const attempts = receiver.at('/down');
    expect(attempts.map((r) => r.status)).toEqual([500, 503, 500]);
    // Exponential backoff from 0.2 s: at least 0.2 s, then at least 0.4 s between attempts.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(200);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(400);

    const again = await http(app).post(`/v1/tenants/${tenant.name}/webhooks/${hook.id}/deliveries/${dead.id}/redeliver`).set(bearer(tenant.owner)).expect(202);
    expect(again.body).toMatchObject({ messageId: dead.messageId, status: 'Pending', attempts: 0 });
    await waitFor(() => (receiver.accepted('/down').length === 1 ? true : null), { what: 'the redelivery', timeoutMs: 20_000 });
    expect(receiver.accepted('/down')[0].headers['webhook-id']).toBe(dead.messageId);
    const log = await deliveries(tenant, hook.id);
    expect(log.map((d) => d.status)).toEqual(['Succeeded', 'Dead']);
    const metrics = (await http(app).get('/metrics').expect(200)).text;
    for (const result of ['delivered', 'failed', 'dead-lettered']) {
      expect(Number(new RegExp(`^berth_webhook_deliveries_total\\{result="${result}"\\} (\\d+)`, 'm').exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses to redeliver a delivery that is still pending (409)', async () => {
    const tenant = await tenantWorld();
    const hook = await subscribe(tenant, receiver.script('/idle', []), ['namespace.ready']);
    // A pending row with no wake-up job: it stays pending for as long as the test looks.
    const [row] = await sql<{ id: string }>(
      `INSERT INTO "WebhookDelivery" (id, "subscriptionId", "messageId", "eventType", "orderingKey", payload, "nextAttemptAt")
       VALUES (gen_random_uuid(), $1::uuid, 'msg_test', 'namespace.ready', 'c/n', '{}'::jsonb, now() + interval '1 hour') RETURNING id`,
      [hook.id],
    );
    const res = await http(app).post(`/v1/tenants/${tenant.name}/webhooks/${hook.id}/deliveries/${row.id}/redeliver`).set(bearer(tenant.owner)).expect(409);
    expectErrorShape(res, 409);
    expect(res.body.details).toEqual([expect.objectContaining({ code: 'webhook.delivery-pending' })]);
    await http(app)
      .post(`/v1/tenants/${tenant.name}/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`)
      .set(bearer(tenant.owner))
      .expect(404);
  });

  it('keeps the order per namespace: a failing first event holds back the ones after it', async () => {
    const tenant = await tenantWorld();
    // The first delivery fails twice; created, approved and committed of the same namespace must still arrive in that order.
    await subscribe(tenant, receiver.script('/ordered', [500, 500]));
    const names = [`${tenant.name}-o1`, `${tenant.name}-o2`];
    for (const name of names) await ask(tenant, name);
    await waitFor(() => (receiver.accepted('/ordered').length >= 6 ? true : null), { what: 'six accepted deliveries', timeoutMs: 30_000 });
    for (const name of names) {
      const mine = receiver.accepted('/ordered').filter((r) => r.namespace === `${cluster}/${name}`);
      expect(mine.map((r) => r.type)).toEqual(['namespace-request.created', 'namespace-request.approved', 'namespace.committed']);
    }
    expect(receiver.at('/ordered').filter((r) => r.status === 500)).toHaveLength(2);
  });

  it('rotates the secret: both secrets verify for 24 h (two signatures), the new one is shown once', async () => {
    const tenant = await tenantWorld();
    const hook = await subscribe(tenant, receiver.script('/rotated', []), ['namespace-request.created']);
    const rotated = await http(app).post(`/v1/tenants/${tenant.name}/webhooks/${hook.id}/rotate-secret`).set(bearer(tenant.owner)).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    const overlap = new Date(rotated.body.previousSecretExpiresAt).getTime() - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
    await ask(tenant, `${tenant.name}-r`);
    const [got] = await waitFor(() => (receiver.at('/rotated').length >= 1 ? receiver.at('/rotated') : null), { what: 'a delivery', timeoutMs: 20_000 });
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(rotated.body.secret, got.headers, got.body)).toBe(true);
    expect(verify(hook.secret, got.headers, got.body)).toBe(true);
  });

  it('audits each change to a subscription (create, redeliver, rotate-secret, delete): one event with the tenant and what changed', async () => {
    const tenant = await tenantWorld();
    const as = (rid: string) => ({ ...bearer(tenant.owner), 'x-request-id': rid });
    const url = receiver.script('/audited', []);
    const created = await http(app)
      .post(`/v1/tenants/${tenant.name}/webhooks`)
      .set(as('wh-create'))
      .send({ url, eventTypes: ['namespace-request.created'] })
      .expect(201);
    const hook = created.body.id as string;
    await ask(tenant, `${tenant.name}-audited`);
    const [delivered] = await waitFor(
      async () => {
        const log = await deliveries(tenant, hook);
        return log.length === 1 && log[0].status === 'Succeeded' ? log : null;
      },
      { what: 'a delivered event', timeoutMs: 20_000 },
    );
    await http(app).post(`/v1/tenants/${tenant.name}/webhooks/${hook}/deliveries/${delivered.id}/redeliver`).set(as('wh-redeliver')).expect(202);
    await http(app).post(`/v1/tenants/${tenant.name}/webhooks/${hook}/rotate-secret`).set(as('wh-rotate')).expect(200);
    await http(app).delete(`/v1/tenants/${tenant.name}/webhooks/${hook}`).set(as('wh-delete')).expect(204);

    const trail = (await http(app).get(`/v1/audit-events?tenant=${tenant.name}&limit=500`).set(bearer(tenant.owner)).expect(200)).body.items as Array<
      Record<string, unknown>
    >;
    const event = (action: string, requestId: string, before: unknown, after: unknown) => ({
      action,
      requestId,
      actor: `user:${tenant.ownerSub}`,
      targetType: 'WebhookSubscription',
      targetId: hook,
      tenant: tenant.name,
      before,
      after,
    });
    expect(trail.filter((e) => String(e.action).startsWith('webhook.')).map(({ id: _id, at: _at, ...e }) => e)).toEqual([
      event('webhook.delete', 'wh-delete', { url }, null),
      event('webhook.rotate-secret', 'wh-rotate', null, null),
      event('webhook.redeliver', 'wh-redeliver', null, { messageId: delivered.messageId }),
      event('webhook.create', 'wh-create', null, { url, eventTypes: ['namespace-request.created'] }),
    ]);
  });

  it.each([
    ['http://127.0.0.1:9/hook', 'loopback'],
    ['http://10.0.0.1/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'linkLocal'],
    ['http://[::1]/hook', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['http://100.64.0.1/hook', 'carrierGradeNat'],
    ['http://0.0.0.0/hook', 'unspecified'],
    ['http://localhost/hook', 'loopback'],
  ])('refuses %s with 422 webhook.destination-forbidden (%s)', async (url, range) => {
    const tenant = await tenantWorld();
    const res = await http(app)
      .post(`/v1/tenants/${tenant.name}/webhooks`)
      .set(bearer(tenant.owner))
      .send({ url, eventTypes: ['*'] })
      .expect(422);
    expectErrorShape(res, 422);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'url', code: 'webhook.destination-forbidden' })]);
    expect(res.body.message).toContain(range);
  });

  it('answers 400 for a delivery cursor beyond what the sequence column can hold (never a 500)', async () => {
    const tenant = await tenantWorld();
    const hook = (
      await http(app)
        .post(`/v1/tenants/${tenant.name}/webhooks`)
        .set(bearer(tenant.owner))
        .send({ url: `${receiver.base}/cursor`, eventTypes: ['*'] })
        .expect(201)
    ).body;
    const beyond = Buffer.from('webhook-deliveries:9999999999999999999', 'utf8').toString('base64url');
    const res = await http(app).get(`/v1/tenants/${tenant.name}/webhooks/${hook.id}/deliveries?cursor=${beyond}`).set(bearer(tenant.owner));
    expectErrorShape(res, 400);
  });

  it('refuses other schemes and unknown event types at the edge (400)', async () => {
    const tenant = await tenantWorld();
    await http(app)
      .post(`/v1/tenants/${tenant.name}/webhooks`)
      .set(bearer(tenant.owner))
      .send({ url: 'ftp://example.com/x', eventTypes: ['*'] })
      .expect(400);
    const res = await http(app)
      .post(`/v1/tenants/${tenant.name}/webhooks`)
      .set(bearer(tenant.owner))
      .send({ url: `${receiver.base}/x`, eventTypes: ['namespace.exploded'] })
      .expect(400);
    expect(JSON.stringify(res.body.details)).toContain('eventTypes');
  });

  it("isolates tenants: another tenant's owner gets 404 for its webhooks and receives none of its events", async () => {
    const a = await tenantWorld();
    const b = await tenantWorld();
    const hookA = await subscribe(a, receiver.script('/tenant-a', []), ['namespace-request.created']);
    const hookB = await subscribe(b, receiver.script('/tenant-b', []), ['namespace-request.created']);
    await http(app).get(`/v1/tenants/${a.name}/webhooks`).set(bearer(b.owner)).expect(404);
    await http(app).get(`/v1/tenants/${b.name}/webhooks/${hookA.id}/deliveries`).set(bearer(b.owner)).expect(404);
    await http(app).post(`/v1/tenants/${b.name}/webhooks/${hookA.id}/rotate-secret`).set(bearer(b.owner)).expect(404);
    await http(app).delete(`/v1/tenants/${b.name}/webhooks/${hookA.id}`).set(bearer(b.owner)).expect(404);
    await http(app).get(`/v1/tenants/${a.name}/webhooks`).set(bearer(a.developer)).expect(403);
    await http(app).get('/v1/webhooks').set(bearer(a.owner)).expect(403);

    await ask(a, `${a.name}-iso`);
    await waitFor(() => (receiver.at('/tenant-a').length >= 1 ? true : null), { what: "tenant A's delivery", timeoutMs: 20_000 });
    expect(await deliveries(b, hookB.id)).toEqual([]);
    expect(receiver.at('/tenant-b')).toEqual([]);
  });

  it("delivers every tenant's events to a platform-wide webhook (admins only)", async () => {
    const hook = await http(app)
      .post('/v1/webhooks')
      .set(bearer(admin))
      .send({ url: receiver.script('/platform', []), eventTypes: ['namespace-request.created'] })
      .expect(201);
    const tenant = await tenantWorld();
    const name = `${tenant.name}-p`;
    await ask(tenant, name);
    const got = await waitFor(() => receiver.at('/platform').find((r) => r.namespace === `${cluster}/${name}`), {
      what: 'a platform delivery',
      timeoutMs: 20_000,
    });
    expect(verify(hook.body.secret, got.headers, got.body)).toBe(true);
    const log = await http(app).get(`/v1/webhooks/${hook.body.id}/deliveries`).set(bearer(admin)).expect(200);
    expect(log.body.items.length).toBeGreaterThanOrEqual(1);
    await http(app).delete(`/v1/webhooks/${hook.body.id}`).set(bearer(admin)).expect(204);
    await http(app).get(`/v1/webhooks/${hook.body.id}/deliveries`).set(bearer(admin)).expect(404);
  });
});
