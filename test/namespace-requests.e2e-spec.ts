import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { IdempotencyService } from '../apps/api/src/idempotency/idempotency.service';
import { NamespaceExpiryService } from '../apps/api/src/namespaces/namespace-expiry.service';
import { http, startApp } from './helpers/app';
import { OffsetClock } from './helpers/clock';
import { sql } from './helpers/db';
import { bearer, newTenant, TenantFixture, uniqueName } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

/** A cluster, an auto-approved tier and a manual tier, and a tenant allowed to use them. */
async function world(app: NestFastifyApplication, budget: Record<string, string | number> = { 'requests.cpu': '4', 'limits.memory': '16Gi', namespaces: 5 }) {
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
  const tenant = await newTenant(api, { budget, allowedClusters: [cluster], allowedTiers: [small, gated] });
  return { admin, cluster, small, gated, tenant };
}

const requestsOf = (t: TenantFixture) => `/v1/tenants/${t.name}/namespace-requests`;

describe('namespace requests (lifecycle over HTTP)', () => {
  let app: NestFastifyApplication;
  const clock = new OffsetClock();
  beforeAll(async () => {
    app = await startApp({ clock });
  });
  afterEach(() => clock.reset());
  afterAll(async () => {
    await app.close();
  });

  it('auto-approves a request within an auto-approve tier and budget, and shows it as desired state and usage', async () => {
    const { cluster, small, tenant } = await world(app);
    const res = await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-web`, cluster, tier: small })
      .expect(201);
    expect(res.body).toMatchObject({ state: 'Approved', kind: 'Create', namespace: `${tenant.name}-web`, decision: { outcome: 'approve' } });
    const ns = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-web`).set(bearer(tenant.viewer)).expect(200);
    expect(ns.body).toMatchObject({ state: 'Approved', cluster, resources: { 'requests.cpu': '1', 'limits.memory': '4Gi' }, requestId: res.body.id });
    const usage = await http(app).get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200);
    expect(usage.body.namespaces).toEqual({ budget: 5, allocated: 1 });
    expect(usage.body.resources).toEqual(
      expect.arrayContaining([
        { resource: 'requests.cpu', budget: '4', allocated: '1', available: '3' },
        { resource: 'limits.memory', budget: '16Gi', allocated: '4Gi', available: '12Gi' },
      ]),
    );
  });

  it('decides a create in two round trips under the tenant lock: the lock goes with the policy read, the COMMIT with the writes', async () => {
    const { cluster, small, tenant } = await world(app);
    // Every query pg sends while the create runs (this process's only traffic then).
    const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const original = proto.query;
    const sent: string[] = [];
    proto.query = function (this: unknown, ...a: unknown[]) {
      const q = a[0] as string | { text?: string };
      sent.push(typeof q === 'string' ? q : (q?.text ?? ''));
      return original.apply(this, a);
    };
    try {
      await http(app)
        .post(requestsOf(tenant))
        .set(bearer(tenant.developer))
        .send({ name: `${tenant.name}-rt`, cluster, tier: small })
        .expect(201);
    } finally {
      proto.query = original;
    }
    const unit = sent.filter((text) => /FOR UPDATE|INSERT INTO "NamespaceRequest"|^\s*(COMMIT|ROLLBACK)\s*$/.test(text));
    expect(unit).toHaveLength(2);
    expect(unit[0]).toMatch(/^BEGIN;.*FOR UPDATE;\s*SELECT/s);
    expect(unit[1]).toMatch(/INSERT INTO "NamespaceRequest".*;\s*COMMIT$/s);
    const ns = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-rt`).set(bearer(tenant.viewer)).expect(200);
    expect(ns.body.state).toBe('Approved');
  });

  it('answers a dry run with the decision and stores nothing', async () => {
    const { cluster, small, tenant } = await world(app);
    const res = await http(app)
      .post(`${requestsOf(tenant)}?dryRun=true`)
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-dry`, cluster, tier: small })
      .expect(200);
    expect(res.body.decision.outcome).toBe('approve');
    const list = await http(app).get(requestsOf(tenant)).set(bearer(tenant.viewer)).expect(200);
    expect(list.body.items).toHaveLength(0);
  });

  it('denies with 422 and precise reasons, stores no request, and audits the refusal', async () => {
    const { cluster, small, tenant, admin } = await world(app, { 'limits.memory': '6Gi' });
    await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-a`, cluster, tier: small })
      .expect(201);
    const res = await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-b`, cluster, tier: small, labels: { 'kubernetes.io/x': 'y' } })
      .expect(422);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'budget.exceeded', field: 'resources.limits.memory', limit: '6Gi', used: '4Gi', requested: '4Gi', severity: 'deny' }),
        expect.objectContaining({ code: 'labels.reserved', severity: 'deny' }),
      ]),
    );
    expect(res.body.message).toMatch(/limits\.memory 4Gi exceeds budget: used 4Gi of 6Gi/);
    const list = await http(app).get(requestsOf(tenant)).set(bearer(tenant.viewer)).expect(200);
    expect(list.body.items).toHaveLength(1);
    const audit = await http(app).get(`/v1/audit-events?tenant=${tenant.name}`).set(bearer(admin)).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('namespace-request.deny');
  });

  it('needs approval for a manual tier; four eyes: the requester cannot decide it, another admin can', async () => {
    const { cluster, gated, tenant } = await world(app);
    const requesterAdmin = await adminToken('alice-admin');
    await http(app)
      .post(`/v1/tenants/${tenant.name}/members`)
      .set(bearer(requesterAdmin))
      .send({ subject: { kind: 'User', name: 'alice-admin' }, role: 'developer' })
      .expect(201);
    const created = await http(app)
      .post(requestsOf(tenant))
      .set(bearer(requesterAdmin))
      .send({ name: `${tenant.name}-gated`, cluster, tier: gated, reason: 'launch' })
      .expect(201);
    expect(created.body).toMatchObject({
      state: 'PendingApproval',
      decision: { outcome: 'needs-approval', reasons: [expect.objectContaining({ code: 'tier.requires-approval' })] },
    });
    const own = await http(app).post(`/v1/namespace-requests/${created.body.id}/approve`).set(bearer(requesterAdmin)).send({}).expect(403);
    expect(own.body.message).toMatch(/four-eyes/i);
    await http(app).post(`/v1/namespace-requests/${created.body.id}/approve`).set(bearer(tenant.owner)).send({}).expect(403);
    await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-gated`).set(bearer(tenant.viewer)).expect(404);
    const approved = await http(app)
      .post(`/v1/namespace-requests/${created.body.id}/approve`)
      .set(bearer(await adminToken('bob-admin')))
      .send({ comment: 'ok' })
      .expect(200);
    expect(approved.body).toMatchObject({ state: 'Approved', decidedBy: 'user:bob-admin', comment: 'ok' });
    await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-gated`).set(bearer(tenant.viewer)).expect(200);
    await http(app)
      .post(`/v1/namespace-requests/${created.body.id}/approve`)
      .set(bearer(await adminToken()))
      .send({})
      .expect(409);
  });

  it('re-evaluates at approval time: budget spent since the request was made denies the approval', async () => {
    const { cluster, small, gated, tenant } = await world(app, { 'requests.cpu': '1' });
    const pending = await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-later`, cluster, tier: gated })
      .expect(201);
    expect(pending.body.state).toBe('PendingApproval');
    await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-first`, cluster, tier: small })
      .expect(201);
    const refused = await http(app)
      .post(`/v1/namespace-requests/${pending.body.id}/approve`)
      .set(bearer(await adminToken()))
      .send({})
      .expect(422);
    expect(refused.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'budget.exceeded' })]));
    const still = await http(app).get(`/v1/namespace-requests/${pending.body.id}`).set(bearer(tenant.viewer)).expect(200);
    expect(still.body.state).toBe('PendingApproval');
  });

  it('rejects only with a comment, and lets the requester (not another developer) cancel', async () => {
    const { cluster, gated, tenant } = await world(app);
    const a = await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-r`, cluster, tier: gated })
      .expect(201);
    const admin = await adminToken();
    await http(app).post(`/v1/namespace-requests/${a.body.id}/reject`).set(bearer(admin)).send({}).expect(400);
    const rejected = await http(app).post(`/v1/namespace-requests/${a.body.id}/reject`).set(bearer(admin)).send({ comment: 'use the small tier' }).expect(200);
    expect(rejected.body).toMatchObject({ state: 'Rejected', comment: 'use the small tier' });

    const b = await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.owner))
      .send({ name: `${tenant.name}-c`, cluster, tier: gated })
      .expect(201);
    await http(app).post(`/v1/namespace-requests/${b.body.id}/cancel`).set(bearer(tenant.developer)).send({}).expect(403);
    await http(app).post(`/v1/namespace-requests/${b.body.id}/cancel`).set(bearer(tenant.owner)).send({}).expect(200);
    await http(app).post(`/v1/namespace-requests/${b.body.id}/cancel`).set(bearer(tenant.owner)).send({}).expect(409);
    await http(app)
      .get(requestsOf(tenant) + '?state=Cancelled')
      .set(bearer(tenant.viewer))
      .expect(200)
      .expect((r) => expect(r.body.items).toHaveLength(1));
  });

  it('honours Idempotency-Key: replay, different body, in flight, malformed', async () => {
    const { cluster, small, tenant } = await world(app);
    const body = { name: `${tenant.name}-idem`, cluster, tier: small };
    const first = await http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).set('Idempotency-Key', 'k-1').send(body).expect(201);
    const again = await http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).set('Idempotency-Key', 'k-1').send(body).expect(201);
    expect(again.body.id).toBe(first.body.id);
    await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.developer))
      .set('Idempotency-Key', 'k-1')
      .send({ ...body, name: `${tenant.name}-other` })
      .expect(422);
    // Keys are scoped to the caller: the owner may use the same key for their own request.
    await http(app)
      .post(requestsOf(tenant))
      .set(bearer(tenant.owner))
      .set('Idempotency-Key', 'k-1')
      .send({ ...body, name: `${tenant.name}-own` })
      .expect(201);
    await http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).set('Idempotency-Key', 'has space').send(body).expect(400);
    await http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).set('Idempotency-Key', 'x'.repeat(300)).send(body).expect(400);

    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query(`INSERT INTO "IdempotencyRecord" (scope, key, fingerprint, "expiresAt") VALUES ($1, 'busy', 'f', now() + interval '1 hour')`, [
      `user:developer-${tenant.name}`,
    ]);
    await db.end();
    await http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).set('Idempotency-Key', 'busy').send(body).expect(409);
    const list = await http(app).get(requestsOf(tenant)).set(bearer(tenant.viewer)).expect(200);
    expect(list.body.items).toHaveLength(2);
  });

  it('keeps an Idempotency-Key 24 h: replayed and kept by the sweep until then, removed by the sweep after', async () => {
    const { cluster, small, tenant } = await world(app);
    const body = { name: `${tenant.name}-day`, cluster, tier: small };
    const post = () => http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).set('Idempotency-Key', 'k-day').send(body);
    const stored = async () =>
      (await sql('SELECT 1 FROM "IdempotencyRecord" WHERE scope = $1 AND key = $2', [`user:developer-${tenant.name}`, 'k-day'])).length;
    const first = await post().expect(201);
    const idempotency = app.get(IdempotencyService);

    clock.advance(23 * 3600_000);
    await idempotency.sweep();
    expect(await stored()).toBe(1);
    expect((await post().expect(201)).body.id).toBe(first.body.id);

    clock.advance(2 * 3600_000);
    expect(await idempotency.sweep()).toBeGreaterThanOrEqual(1);
    expect(await stored()).toBe(0);
  });

  it('changes a namespace through a Change request and deletes it through a Delete request (owners only)', async () => {
    const { cluster, small, tenant } = await world(app);
    const name = `${tenant.name}-chg`;
    await http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).send({ name, cluster, tier: small }).expect(201);
    const change = await http(app)
      .patch(`/v1/tenants/${tenant.name}/namespaces/${name}`)
      .set(bearer(tenant.developer))
      .send({ resources: { 'requests.cpu': '500m' }, labels: { team: 'web' } })
      .expect(201);
    expect(change.body).toMatchObject({ kind: 'Change', state: 'Approved' });
    const ns = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.viewer)).expect(200);
    expect(ns.body.resources).toEqual({ 'requests.cpu': '500m' });
    expect(ns.body.spec.labels).toEqual({ team: 'web' });
    await http(app).patch(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.viewer)).send({ labels: {} }).expect(403);
    await http(app).delete(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.developer)).expect(403);
    const del = await http(app).delete(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.owner)).expect(202);
    expect(del.body).toMatchObject({ kind: 'Delete', state: 'Approved' });
    const gone = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.viewer)).expect(200);
    expect(gone.body.state).toBe('Deleting');
    const usage = await http(app).get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200);
    expect(usage.body.namespaces.allocated).toBe(0);
    await http(app).delete(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-nope`).set(bearer(tenant.owner)).expect(404);
  });

  it('needs an admin to approve deleting a protected namespace', async () => {
    const { cluster, small, tenant } = await world(app);
    const name = `${tenant.name}-prod`;
    await http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).send({ name, cluster, tier: small, protected: true }).expect(403);
    await http(app).post(requestsOf(tenant)).set(bearer(tenant.owner)).send({ name, cluster, tier: small, protected: true }).expect(201);
    const del = await http(app).delete(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.owner)).expect(202);
    expect(del.body).toMatchObject({ state: 'PendingApproval', decision: { reasons: [expect.objectContaining({ code: 'delete.protected' })] } });
    await http(app).delete(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.owner)).expect(409);
  });

  it('turns expired TTLs into Delete requests exactly once, even when the job runs twice at once', async () => {
    const { cluster, small, tenant } = await world(app);
    const name = `${tenant.name}-pr-1`;
    await http(app).post(requestsOf(tenant)).set(bearer(tenant.developer)).send({ name, cluster, tier: small, ttl: '1h' }).expect(201);
    const expiry = app.get(NamespaceExpiryService);
    expect(await expiry.expireDue()).toBe(0);
    clock.advance(2 * 3600_000);
    const [a, b] = await Promise.all([expiry.expireDue(), expiry.expireDue()]);
    expect(a + b).toBe(1);
    const list = await http(app)
      .get(`${requestsOf(tenant)}?state=Approved`)
      .set(bearer(tenant.viewer))
      .expect(200);
    const deletes = list.body.items.filter((r: { kind: string }) => r.kind === 'Delete');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ namespace: name, requestedBy: 'system:ttl' });
  });

  it('never approves more than the budget when requests race on two API instances (tenant row lock)', async () => {
    const { cluster, small, tenant } = await world(app, { 'requests.cpu': '4', namespaces: 100 });
    // A second, independent API instance: its own Nest app and its own database pool, as a second process would have.
    const other = await startApp();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        http(i % 2 === 0 ? app : other)
          .post(requestsOf(tenant))
          .set(bearer(tenant.developer))
          .send({ name: `${tenant.name}-race-${i}`, cluster, tier: small }),
      ),
    ).finally(() => other.close());
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(4);
    expect(statuses.filter((s) => s === 422)).toHaveLength(6);
    const usage = await http(app).get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200);
    expect(usage.body.resources).toEqual(expect.arrayContaining([{ resource: 'requests.cpu', budget: '4', allocated: '4', available: '0' }]));
  });
});

describe('role cache', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('forgets a removed member at once in this process (the cache is cleared on membership changes)', async () => {
    const t = await newTenant(http(app));
    await http(app).get(`/v1/tenants/${t.name}`).set(bearer(t.viewer)).expect(200);
    const admin = await adminToken();
    const members = await http(app).get(`/v1/tenants/${t.name}/members`).set(bearer(admin)).expect(200);
    const viewer = members.body.items.find((m: { role: string }) => m.role === 'viewer');
    await http(app).delete(`/v1/tenants/${t.name}/members/${viewer.id}`).set(bearer(admin)).expect(204);
    await http(app).get(`/v1/tenants/${t.name}`).set(bearer(t.viewer)).expect(404);
  });
});
