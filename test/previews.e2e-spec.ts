import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NamespaceExpiryService } from '../apps/api/src/namespaces/namespace-expiry.service';
import { http, startApp } from './helpers/app';
import { OffsetClock } from './helpers/clock';
import { expectErrorShape } from './helpers/errors';
import { apiKeyHeader, bearer, TenantFixture, tenantOnCatalogue, uniqueName } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const HOUR = 3600_000;

/** A cluster, an auto-approved tier and a tenant allowed to use them, with `previewLimit` previews. */
async function world(app: NestFastifyApplication, previewLimit = 2) {
  const api = http(app);
  const { admin, cluster, tier, tenant } = await tenantOnCatalogue(api, {
    budget: { 'requests.cpu': '10', 'limits.memory': '10Gi', namespaces: 20 },
    previewLimit,
  });
  // The tenant owner issues the CI key: `preview` keys are the owners' to hand out.
  const key = await api.post(`/v1/tenants/${tenant.name}/api-keys`).set(bearer(tenant.owner)).send({ name: 'ci', role: 'preview' }).expect(201);
  expect(key.body).toMatchObject({ role: 'preview', tenant: tenant.name });
  return { admin, cluster, tier, tenant, ci: apiKeyHeader(key.body.key as string) };
}

const previewsOf = (t: TenantFixture | string) => `/v1/tenants/${typeof t === 'string' ? t : t.name}/previews`;
const body = (pullRequest: number, extra: Record<string, unknown> = {}) => ({ repository: 'acme/web', pullRequest, headSha: SHA.slice(0, 7), ...extra });

describe('pull-request previews', () => {
  let app: NestFastifyApplication;
  const clock = new OffsetClock();
  const saved = process.env.BERTH_FLEET_WRITER;
  beforeAll(async () => {
    // No writer: namespaces being deleted stay `Deleting` (the writer would remove them once committed).
    process.env.BERTH_FLEET_WRITER = 'off';
    app = await startApp({ clock });
  });
  afterEach(() => clock.reset());
  afterAll(async () => {
    await app.close();
    if (saved === undefined) delete process.env.BERTH_FLEET_WRITER;
    else process.env.BERTH_FLEET_WRITER = saved;
  });

  it('creates a preview namespace through a Create request, with the default tier, cluster and TTL', async () => {
    const { cluster, tier, tenant, ci } = await world(app);
    const res = await http(app).post(previewsOf(tenant)).set(ci).send(body(7)).expect(201);
    expect(res.body).toMatchObject({
      tenant: tenant.name,
      repository: 'acme/web',
      pullRequest: 7,
      headSha: SHA.slice(0, 7),
      namespace: `${tenant.name}-pr-7`,
      cluster,
      state: 'Approved',
      request: { kind: 'Create', state: 'Approved', namespace: `${tenant.name}-pr-7`, spec: { tier, ttl: '72h' } },
    });
    const expires = new Date(res.body.expiresAt).getTime();
    expect(expires).toBeGreaterThan(Date.now() + 71 * HOUR);
    expect(expires).toBeLessThanOrEqual(Date.now() + 72 * HOUR);
    // It is a namespace like any other: visible to the tenant and counted in its usage.
    const ns = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-pr-7`).set(bearer(tenant.viewer)).expect(200);
    expect(ns.body).toMatchObject({ state: 'Approved', resources: { 'requests.cpu': '100m' } });
    const usage = await http(app).get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200);
    expect(usage.body.namespaces.allocated).toBe(1);
  });

  it('refreshes the same pull request: same namespace, TTL renewed, head commit recorded — never a second namespace', async () => {
    const { tenant, ci } = await world(app);
    const first = await http(app).post(previewsOf(tenant)).set(ci).send(body(8)).expect(201);
    await new Promise((r) => setTimeout(r, 50));
    const again = await http(app)
      .post(previewsOf(tenant))
      .set(ci)
      .send(body(8, { headSha: 'FFEEDDCCBBAA' }))
      .expect(200);
    expect(again.body).toMatchObject({ namespace: first.body.namespace, headSha: 'ffeeddccbbaa', request: { kind: 'Change', state: 'Approved' } });
    expect(new Date(again.body.expiresAt).getTime()).toBeGreaterThan(new Date(first.body.expiresAt).getTime());
    const namespaces = await http(app).get(`/v1/tenants/${tenant.name}/namespaces`).set(bearer(tenant.viewer)).expect(200);
    expect(namespaces.body.items.map((n: { name: string }) => n.name)).toEqual([`${tenant.name}-pr-8`]);
    const list = await http(app).get(previewsOf(tenant)).set(ci).expect(200);
    expect(list.body).toEqual({ items: [expect.objectContaining({ pullRequest: 8, headSha: 'ffeeddccbbaa', state: 'Approved' })], nextCursor: null });
    // The cluster of an existing preview is fixed.
    const moved = await http(app)
      .post(previewsOf(tenant))
      .set(ci)
      .send(body(8, { cluster: 'elsewhere' }))
      .expect(409);
    expect(moved.body.details[0]).toMatchObject({ field: 'cluster', code: 'preview.cluster-fixed' });
  });

  it('refuses a preview above the cap with a reason, and never evicts the oldest', async () => {
    const { tenant, ci } = await world(app, 2);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(1)).expect(201);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(2)).expect(201);
    const refused = await http(app).post(previewsOf(tenant)).set(ci).send(body(3)).expect(422);
    expectErrorShape(refused, 422);
    expect(refused.body.details).toEqual([expect.objectContaining({ code: 'preview.limit-reached', limit: 2, current: 2 })]);
    expect(refused.body.message).toMatch(/2 of 2/);
    // Refreshing an existing preview is not a new one: still fine at the cap.
    await http(app).post(previewsOf(tenant)).set(ci).send(body(1)).expect(200);
    const list = await http(app).get(previewsOf(tenant)).set(ci).expect(200);
    expect(list.body.items.map((p: { pullRequest: number }) => p.pullRequest)).toEqual([1, 2]);
  });

  it('never exceeds the cap when CI creates previews concurrently (count and reserve under the tenant lock)', async () => {
    const { tenant, ci } = await world(app, 2);
    const results = await Promise.all([11, 12, 13, 14, 15, 16].map((n) => http(app).post(previewsOf(tenant)).set(ci).send(body(n))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 422, 422, 422, 422]);
    const namespaces = await http(app).get(`/v1/tenants/${tenant.name}/namespaces`).set(bearer(tenant.viewer)).expect(200);
    expect(namespaces.body.items).toHaveLength(2);
    const list = await http(app).get(previewsOf(tenant)).set(ci).expect(200);
    expect(list.body.items).toHaveLength(2);
  });

  it('deletes a preview through a Delete request (202); its place under the cap is free again; unknown → 404', async () => {
    const { tenant, ci } = await world(app, 2);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(1)).expect(201);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(2)).expect(201);
    const del = await http(app)
      .delete(`${previewsOf(tenant)}/1`)
      .set(ci)
      .expect(202);
    expect(del.body).toMatchObject({ pullRequest: 1, state: 'Deleting', request: { kind: 'Delete', state: 'Approved', namespace: `${tenant.name}-pr-1` } });
    const ns = await http(app).get(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-pr-1`).set(bearer(tenant.viewer)).expect(200);
    expect(ns.body.state).toBe('Deleting');
    const requests = await http(app).get(`/v1/tenants/${tenant.name}/namespace-requests`).set(bearer(tenant.viewer)).expect(200);
    expect(requests.body.items.filter((r: { kind: string }) => r.kind === 'Delete')).toHaveLength(1);
    const list = await http(app).get(previewsOf(tenant)).set(ci).expect(200);
    expect(list.body.items.map((p: { pullRequest: number }) => p.pullRequest)).toEqual([2]);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(3)).expect(201);
    const unknown = await http(app)
      .delete(`${previewsOf(tenant)}/1`)
      .set(ci)
      .expect(404);
    expectErrorShape(unknown, 404);
    await http(app)
      .delete(`${previewsOf(tenant)}/999`)
      .set(ci)
      .expect(404);
    await http(app)
      .delete(`${previewsOf(tenant)}/0`)
      .set(ci)
      .expect(400);
  });

  it('stops counting previews whose TTL expired (the expiry job deletes them through the normal path)', async () => {
    const { tenant, ci } = await world(app, 2);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(1)).expect(201);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(2)).expect(201);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(3)).expect(422);
    clock.advance(73 * HOUR);
    const expired = await app.get(NamespaceExpiryService).expireDue();
    expect(expired).toBeGreaterThanOrEqual(2);
    const list = await http(app).get(previewsOf(tenant)).set(ci).expect(200);
    expect(list.body.items.map((p: { state: string }) => p.state)).toEqual(['Deleting', 'Deleting']);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(3)).expect(201);
    // The expired preview's namespace is still being removed: a new push to that PR waits for it.
    const busy = await http(app).post(previewsOf(tenant)).set(ci).send(body(1)).expect(409);
    expect(busy.body.details[0]).toMatchObject({ code: 'preview.deleting' });
    // Closing the pull request of an expired preview just forgets it (no second Delete request).
    const closed = await http(app)
      .delete(`${previewsOf(tenant)}/2`)
      .set(ci)
      .expect(202);
    expect(closed.body).toMatchObject({ state: 'Deleting', request: null });
  });

  it('gives a preview key its previews and nothing else', async () => {
    const { tenant, ci } = await world(app);
    await http(app).post(previewsOf(tenant)).set(ci).send(body(5)).expect(201);
    await http(app).get(previewsOf(tenant)).set(ci).expect(200);
    // The tenant itself and everything under it: as if it did not exist.
    for (const path of ['', '/namespaces', `/namespaces/${tenant.name}-pr-5`, '/namespace-requests', '/members', '/api-keys', '/usage']) {
      const res = await http(app).get(`/v1/tenants/${tenant.name}${path}`).set(ci);
      expect([path, res.status]).toEqual([path, 404]);
    }
    await http(app)
      .post(`/v1/tenants/${tenant.name}/namespace-requests`)
      .set(ci)
      .send({ name: `${tenant.name}-x`, cluster: 'c', tier: 't' })
      .expect(404);
    await http(app).delete(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-pr-5`).set(ci).expect(404);
    await http(app).post(`/v1/tenants/${tenant.name}/api-keys`).set(ci).send({ name: 'more', role: 'owner' }).expect(404);
    // Shared catalogues and global routes: forbidden.
    for (const path of ['/v1/clusters', '/v1/quota-tiers', '/v1/namespace-requests', '/v1/audit-events', '/v1/api-keys', `/v1/flux/inputs?cluster=x`]) {
      await http(app).get(path).set(ci).expect(403);
    }
    const tenants = await http(app).get('/v1/tenants').set(ci).expect(403);
    expectErrorShape(tenants, 403);
  });

  it('answers 404 on every previews route of a tenant the caller has no role in', async () => {
    const { tenant: a, ci: ciA } = await world(app);
    const { tenant: b, ci: ciB } = await world(app);
    await http(app).post(previewsOf(b)).set(ciB).send(body(1)).expect(201);
    for (const who of [ciA, bearer(a.owner), bearer(a.developer), bearer(a.viewer)]) {
      await http(app).post(previewsOf(b)).set(who).send(body(2)).expect(404);
      await http(app).get(previewsOf(b)).set(who).expect(404);
      await http(app)
        .delete(`${previewsOf(b)}/1`)
        .set(who)
        .expect(404);
    }
    await http(app)
      .get(previewsOf('no-such-tenant'))
      .set(bearer(await adminToken()))
      .expect(404);
    // Within the tenant: viewers read previews, developers and owners make them.
    await http(app).get(previewsOf(b)).set(bearer(b.viewer)).expect(200);
    await http(app).post(previewsOf(b)).set(bearer(b.viewer)).send(body(2)).expect(403);
    await http(app)
      .delete(`${previewsOf(b)}/1`)
      .set(bearer(b.viewer))
      .expect(403);
    await http(app).post(previewsOf(b)).set(bearer(b.developer)).send(body(2)).expect(201);
    await http(app)
      .delete(`${previewsOf(b)}/2`)
      .set(bearer(b.owner))
      .expect(202);
    await http(app)
      .get(previewsOf(b))
      .set(bearer(await adminToken()))
      .expect(200);
    await http(app).get(previewsOf(b)).expect(401);
  });

  it('validates the body and names a missing default cluster or tier', async () => {
    const { admin, cluster, tier, tenant, ci } = await world(app);
    for (const bad of [
      { ...body(1), repository: 'no-slash' },
      { ...body(1), repository: `acme/${'x'.repeat(200)}` },
      { ...body(1), repository: 'javascript:alert(1)' },
      { ...body(1), pullRequest: 0 },
      { ...body(1), pullRequest: 1.5 },
      { ...body(1), pullRequest: '1' },
      { ...body(1), headSha: 'abc12' },
      { ...body(1), headSha: 'zzzzzzz' },
      { ...body(1), extra: true },
    ]) {
      const res = await http(app).post(previewsOf(tenant)).set(ci).send(bad);
      expect(res.status).toBe(400);
    }
    await http(app)
      .post(previewsOf(tenant))
      .set(ci)
      .send(body(1, { repository: 'https://gitlab.example.com/group/sub/repo' }))
      .expect(201);

    // Two allowed clusters and tiers, no defaults: the caller must say which.
    const other = uniqueName('c');
    const tier2 = uniqueName('tier');
    await http(app).post('/v1/clusters').set(bearer(admin)).send({ name: other }).expect(201);
    await http(app)
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: tier2, resources: { 'requests.cpu': '100m' } })
      .expect(201);
    await http(app)
      .patch(`/v1/tenants/${tenant.name}`)
      .set(bearer(admin))
      .send({ allowedClusters: [cluster, other], allowedTiers: [tier, tier2] })
      .expect(200);
    const noCluster = await http(app).post(previewsOf(tenant)).set(ci).send(body(2)).expect(422);
    expect(noCluster.body.details[0]).toMatchObject({ field: 'cluster', code: 'preview.cluster-required' });
    const noTier = await http(app)
      .post(previewsOf(tenant))
      .set(ci)
      .send(body(2, { cluster: other }))
      .expect(422);
    expect(noTier.body.details[0]).toMatchObject({ field: 'tier', code: 'preview.tier-required' });
    // Admin-set defaults; owners may not touch them.
    await http(app).patch(`/v1/tenants/${tenant.name}`).set(bearer(tenant.owner)).send({ previewCluster: other }).expect(403);
    await http(app).patch(`/v1/tenants/${tenant.name}`).set(bearer(admin)).send({ previewTier: 'nope' }).expect(422);
    const patched = await http(app)
      .patch(`/v1/tenants/${tenant.name}`)
      .set(bearer(admin))
      .send({ previewCluster: other, previewTier: tier2, previewLimit: 3 })
      .expect(200);
    expect(patched.body).toMatchObject({ previewCluster: other, previewTier: tier2, previewLimit: 3 });
    const made = await http(app).post(previewsOf(tenant)).set(ci).send(body(2)).expect(201);
    expect(made.body).toMatchObject({ cluster: other, request: { spec: { tier: tier2 } } });
    // A policy denial goes back to CI as is, and the failed create leaves no preview behind.
    await http(app)
      .patch(`/v1/tenants/${tenant.name}`)
      .set(bearer(admin))
      .send({ budget: { 'requests.cpu': '200m' } })
      .expect(200);
    const denied = await http(app).post(previewsOf(tenant)).set(ci).send(body(3)).expect(422);
    expect(denied.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'budget.exceeded' })]));
    const list = await http(app).get(previewsOf(tenant)).set(ci).expect(200);
    expect(list.body.items.map((p: { pullRequest: number }) => p.pullRequest)).toEqual([1, 2]);
  });

  it('pages the list by pull request number', async () => {
    const { tenant, ci } = await world(app, 5);
    for (const n of [30, 10, 20]) await http(app).post(previewsOf(tenant)).set(ci).send(body(n)).expect(201);
    const first = await http(app)
      .get(`${previewsOf(tenant)}?limit=2`)
      .set(ci)
      .expect(200);
    expect(first.body.items.map((p: { pullRequest: number }) => p.pullRequest)).toEqual([10, 20]);
    const second = await http(app)
      .get(`${previewsOf(tenant)}?limit=2&cursor=${first.body.nextCursor}`)
      .set(ci)
      .expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ pullRequest: 30 })], nextCursor: null });
    await http(app)
      .get(`${previewsOf(tenant)}?cursor=bm9wZQ`)
      .set(ci)
      .expect(400);
  });
});
