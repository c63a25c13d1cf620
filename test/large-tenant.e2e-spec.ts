import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { bearer, tenantOnCatalogue } from './helpers/fixtures';

/**
 * Decisions read the quota ledger's sums and the namespace count, never the tenant's namespace list:
 * they must stay exact when the tenant has thousands of namespaces, under concurrency, across two API
 * instances, with the same precise reasons (`used X of Y`).
 */
const SEEDED = 2000;

describe('decisions in a tenant of thousands of namespaces', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });

  /** A tenant whose first namespace (100m CPU, 128Mi) is copied `SEEDED` times in SQL, ledger rows included. */
  async function bigTenant(budget: Record<string, string | number>) {
    const world = await tenantOnCatalogue(http(app), { budget });
    const { tenant, cluster, tier } = world;
    const ask = (name: string, target = app) =>
      http(target).post(`/v1/tenants/${tenant.name}/namespace-requests`).set(bearer(tenant.developer)).send({ name, cluster, tier });
    await ask(`${tenant.name}-first`).expect(201);
    await sql(
      `INSERT INTO "Namespace" (id, "tenantId", cluster, name, spec, resources, "limitRange", state, "requestId", "updatedAt")
       SELECT gen_random_uuid(), n."tenantId", n.cluster, $1 || '-seed-' || g, n.spec, n.resources, n."limitRange", 'Ready', n."requestId", now()
       FROM "Namespace" n, generate_series(1, $2::int) g WHERE n.name = $1 || '-first'`,
      [tenant.name, SEEDED],
    );
    await sql(
      `INSERT INTO "Allocation" ("namespaceId", "tenantId", resource, milli)
       SELECT n.id, n."tenantId", a.resource, a.milli FROM "Namespace" n
       JOIN "Allocation" a ON a."namespaceId" = (SELECT id FROM "Namespace" WHERE name = $1 || '-first')
       WHERE n.name LIKE $1 || '-seed-%'`,
      [tenant.name],
    );
    return { ...world, ask };
  }

  it('approves exactly what the budget leaves when creates race on two instances, and says how much is used', async () => {
    // 2,001 namespaces of 100m hold 200.1 CPU: room for exactly three more.
    const { tenant, ask } = await bigTenant({ 'requests.cpu': '200400m', namespaces: 10_000 });
    const other = await startApp();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(`${tenant.name}-race-${i}`, i % 2 ? other : app))).finally(() => other.close());
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 422, 422, 422, 422, 422]);
    for (const denied of results.filter((r) => r.status === 422)) {
      expect(denied.body.details).toEqual([expect.objectContaining({ code: 'budget.exceeded', field: 'resources.requests.cpu', requested: '100m' })]);
      expect(denied.body.details[0].message).toBe(`requests.cpu 100m exceeds budget: used ${denied.body.details[0].used} of ${denied.body.details[0].limit}`);
      expect([denied.body.details[0].used, denied.body.details[0].limit]).toEqual(['200400m', '200400m']);
    }
    const usage = await http(app).get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200);
    expect(usage.body.namespaces).toEqual({ budget: 10_000, allocated: SEEDED + 4 });
    expect(usage.body.resources).toEqual(expect.arrayContaining([expect.objectContaining({ resource: 'requests.cpu', allocated: '200400m', available: '0' })]));
  });

  it('counts the namespaces exactly: the one that fills the count is approved, the next is denied with the count', async () => {
    const { tenant, ask } = await bigTenant({ 'requests.cpu': '1000', namespaces: SEEDED + 2 });
    await ask(`${tenant.name}-last`).expect(201);
    const denied = await ask(`${tenant.name}-one-too-many`).expect(422);
    expect(denied.body.details).toEqual([
      expect.objectContaining({
        code: 'budget.namespaces-exceeded',
        message: `namespace count exceeds budget: used ${SEEDED + 2} of ${SEEDED + 2}`,
        used: String(SEEDED + 2),
      }),
    ]);
  });

  it('judges a change against the others (its own quota excluded) and a delete releases its share', async () => {
    const { tenant, ask } = await bigTenant({ 'requests.cpu': '200100m', namespaces: 10_000 });
    const big = `${tenant.name}-seed-1234`;
    // Full: a change raising one namespace by 1m is refused; the figures exclude the namespace's own 100m.
    const raised = await http(app)
      .patch(`/v1/tenants/${tenant.name}/namespaces/${big}`)
      .set(bearer(tenant.developer))
      .send({ resources: { 'requests.cpu': '101m', 'limits.memory': '128Mi' } })
      .expect(422);
    expect(raised.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'budget.exceeded', message: 'requests.cpu 101m exceeds budget: used 200 of 200100m' })]),
    );
    await ask(`${tenant.name}-full`).expect(422);
    await http(app).delete(`/v1/tenants/${tenant.name}/namespaces/${big}`).set(bearer(tenant.owner)).expect(202);
    await ask(`${tenant.name}-fits-now`).expect(201);
    await ask(`${tenant.name}-full-again`).expect(422);
  });

  it('keeps the totals decisions read equal to the ledger and the live namespaces, whatever wrote them', async () => {
    // Every test above wrote through the API and in bulk SQL; this one adds changes, deletes and a
    // direct ledger edit, then compares the database-kept totals with sums computed from scratch.
    const { tenant, ask } = await bigTenant({ 'requests.cpu': '1000', namespaces: 10_000 });
    await ask(`${tenant.name}-extra`).expect(201);
    await http(app)
      .patch(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-seed-7`)
      .set(bearer(tenant.developer))
      .send({ resources: { 'requests.cpu': '250m', pods: '3' } })
      .expect(201);
    await http(app).delete(`/v1/tenants/${tenant.name}/namespaces/${tenant.name}-seed-8`).set(bearer(tenant.owner)).expect(202);
    await sql(`UPDATE "Allocation" SET milli = milli + 1 WHERE "namespaceId" IN (SELECT id FROM "Namespace" WHERE name LIKE $1 || '-seed-1_')`, [tenant.name]);
    await sql(`DELETE FROM "Namespace" WHERE name = $1 || '-seed-9'`, [tenant.name]);
    const drift = await sql(
      `SELECT coalesce(t."tenantId", l."tenantId") AS tenant, coalesce(t.resource, l.resource) AS resource, t.milli::text AS kept, l.milli::text AS summed
       FROM (SELECT * FROM "TenantAllocation" WHERE milli <> 0) t
       FULL JOIN (SELECT "tenantId", resource, sum(milli) AS milli FROM "Allocation" GROUP BY 1, 2) l ON l."tenantId" = t."tenantId" AND l.resource = t.resource
       WHERE t.milli IS DISTINCT FROM l.milli`,
    );
    expect(drift).toEqual([]);
    const counts = await sql(
      `SELECT coalesce(c."tenantId", n."tenantId") AS tenant, c.live, n.live AS counted
       FROM (SELECT * FROM "TenantNamespaceCount" WHERE live <> 0) c
       FULL JOIN (SELECT "tenantId", count(*)::int AS live FROM "Namespace" WHERE state <> 'Deleting' GROUP BY 1) n ON n."tenantId" = c."tenantId"
       WHERE c.live IS DISTINCT FROM n.live`,
    );
    expect(counts).toEqual([]);
    const usage = await http(app).get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200);
    expect(usage.body.namespaces.allocated).toBe(SEEDED + 1 + 1 - 1 - 1);
  });
});
