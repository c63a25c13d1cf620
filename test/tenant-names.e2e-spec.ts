import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { expectErrorShape } from './helpers/errors';
import { bearer, catalogue, TenantFixture } from './helpers/fixtures';
import { tokenFor } from './helpers/tokens';

/**
 * Tenants whose names nest (`x` and `x-web`, default prefix `{tenant}-`): a namespace name belongs to the tenant
 * with the longest prefix it starts with, and creating a tenant never strands another tenant's namespaces.
 */
describe('tenant names that are prefixes of each other', () => {
  let app: NestFastifyApplication;
  const api = () => http(app);
  let admin: string;
  let cluster: string;
  let tier: string;
  beforeAll(async () => {
    app = await startApp();
    ({ admin, cluster, tier } = await catalogue(api(), { 'requests.cpu': '10m' }));
  });
  afterAll(async () => {
    await app.close();
  });

  /** Like fixtures' newTenant, with a chosen name (the point of this file). */
  async function newTenant(name: string, body: Record<string, unknown>): Promise<TenantFixture> {
    const ownerSub = `owner-${name}`;
    await api()
      .post('/v1/tenants')
      .set(bearer(admin))
      .send({ name, owners: [{ kind: 'User', name: ownerSub }], ...body })
      .expect(201);
    await api()
      .post(`/v1/tenants/${name}/members`)
      .set(bearer(admin))
      .send({ subject: { kind: 'User', name: `developer-${name}` }, role: 'developer' })
      .expect(201);
    return { name, ownerSub, owner: await tokenFor({ sub: ownerSub }), developer: await tokenFor({ sub: `developer-${name}` }), viewer: '' };
  }
  const tenantNamed = (name: string) => newTenant(name, { allowedClusters: [cluster], allowedTiers: [tier], budget: { namespaces: 50 } });
  const ask = (t: TenantFixture, name: string) => api().post(`/v1/tenants/${t.name}/namespace-requests`).set(bearer(t.developer)).send({ name, cluster, tier });
  const createTenant = (name: string) =>
    api()
      .post('/v1/tenants')
      .set(bearer(admin))
      .send({ name, owners: [{ kind: 'User', name: `owner-${name}` }] });
  const base = () => `n${Math.random().toString(36).slice(2, 9)}`;

  it("denies a name in another tenant's longer prefix (name.tenant-prefix); each keeps its own", async () => {
    const x = await tenantNamed(base());
    const web = await tenantNamed(`${x.name}-web`);
    const denied = await ask(x, `${x.name}-web-api`).expect(422);
    expectErrorShape(denied);
    expect(denied.body.details).toEqual([expect.objectContaining({ field: 'name', code: 'name.tenant-prefix' })]);
    expect(denied.body.details[0].message).toContain(web.name);
    await ask(x, `${x.name}-webby`).expect(201);
    await ask(x, `${x.name}-api`).expect(201);
    await ask(web, `${x.name}-web-api`).expect(201);
    // The dry run tells the same.
    const dry = await api()
      .post(`/v1/tenants/${x.name}/namespace-requests?dryRun=true`)
      .set(bearer(x.developer))
      .send({ name: `${x.name}-web-db`, cluster, tier })
      .expect(200);
    expect(dry.body.decision.outcome).toBe('deny');
  });

  it("refuses (409) to create a tenant whose prefix would take another tenant's namespaces or pending requests", async () => {
    const x = await tenantNamed(base());
    await ask(x, `${x.name}-shop-api`).expect(201);
    const refused = await createTenant(`${x.name}-shop`).expect(409);
    expectErrorShape(refused);
    expect(refused.body.details).toEqual([
      expect.objectContaining({ field: 'name', code: 'tenant-prefix-in-use', namespaces: [`${x.name}-shop-api`], tenant: x.name }),
    ]);
    await api().get(`/v1/tenants/${x.name}-shop`).set(bearer(admin)).expect(404);
    await createTenant(`${x.name}-other`).expect(201);
    // A tenant whose prefix is shorter takes nothing: the longer prefix keeps its names.
    const deep = await tenantNamed(`${base()}-a-b`);
    await ask(deep, `${deep.name}-svc`).expect(201);
    await createTenant(deep.name.slice(0, -4)).expect(201);
  });

  it('counts a Create request still pending approval as taken', async () => {
    const gatedTier = `g${base()}`;
    await api()
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: gatedTier, resources: { 'requests.cpu': '10m' }, autoApprove: false })
      .expect(201);
    const x = await newTenant(base(), { allowedClusters: [cluster], allowedTiers: [gatedTier] });
    const pending = await api()
      .post(`/v1/tenants/${x.name}/namespace-requests`)
      .set(bearer(x.developer))
      .send({ name: `${x.name}-gated-a`, cluster, tier: gatedTier })
      .expect(201);
    expect(pending.body.state).toBe('PendingApproval');
    const refused = await createTenant(`${x.name}-gated`).expect(409);
    expect(refused.body.details[0]).toMatchObject({ code: 'tenant-prefix-in-use', namespaces: [`${x.name}-gated-a`] });
  });

  it('never lets both win when a namespace and a tenant that would strand it race (two API instances)', async () => {
    const other = await startApp();
    try {
      for (let i = 0; i < 6; i++) {
        const x = await tenantNamed(base());
        const [ns, tenant] = await Promise.all([
          http(i % 2 ? other : app)
            .post(`/v1/tenants/${x.name}/namespace-requests`)
            .set(bearer(x.developer))
            .send({ name: `${x.name}-race-a`, cluster, tier }),
          http(i % 2 ? app : other)
            .post('/v1/tenants')
            .set(bearer(admin))
            .send({ name: `${x.name}-race`, owners: [{ kind: 'User', name: 'o' }] }),
        ]);
        expect([ns.status, tenant.status].sort()).toEqual(ns.status === 201 ? [201, 409] : [201, 422]);
      }
    } finally {
      await other.close();
    }
  });
});
