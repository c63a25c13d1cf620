import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { bearer, catalogue, newTenant, tenantOnCatalogue, uniqueName } from './helpers/fixtures';

describe('quota tiers: in use, and changed after approval', () => {
  let app: NestFastifyApplication;
  const api = () => http(app);
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const newTier = async (admin: string, resources: Record<string, string>, extra: Record<string, unknown> = {}) => {
    const name = uniqueName('tier');
    await api()
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name, resources, ...extra })
      .expect(201);
    return name;
  };
  const deleteTier = (admin: string, name: string) => api().delete(`/v1/quota-tiers/${name}`).set(bearer(admin));

  describe('a tier in use cannot be deleted (409, like clusters)', () => {
    it('is refused while a namespace, a tenant (allowed or preview tier) or an open request references it', async () => {
      const { admin, cluster, tier, tenant } = await tenantOnCatalogue(api());
      await api()
        .post(`/v1/tenants/${tenant.name}/namespace-requests`)
        .set(bearer(tenant.developer))
        .send({ name: `${tenant.name}-a`, cluster, tier })
        .expect(201);
      const refused = await deleteTier(admin, tier).expect(409);
      expectErrorShape(refused);
      expect(refused.body.details[0]).toMatchObject({ field: 'name', code: 'tier-in-use', namespaces: 1, tenants: [tenant.name] });
      await api().get(`/v1/quota-tiers/${tier}`).set(bearer(admin)).expect(200);

      const allowedOnly = await newTier(admin, { 'requests.cpu': '1' });
      await newTenant(api(), { allowedTiers: [allowedOnly] });
      expect((await deleteTier(admin, allowedOnly).expect(409)).body.details[0]).toMatchObject({ code: 'tier-in-use', namespaces: 0 });

      const previewOnly = await newTier(admin, { 'requests.cpu': '1' });
      await newTenant(api(), { previewTier: previewOnly });
      await deleteTier(admin, previewOnly).expect(409);

      const unused = await newTier(admin, { 'requests.cpu': '1' });
      await deleteTier(admin, unused).expect(204);
      await api().get(`/v1/quota-tiers/${unused}`).set(bearer(admin)).expect(404);
    });

    it('is refused while a pending request names it, even when no tenant lists it any more', async () => {
      const { admin, cluster } = await catalogue(api());
      const gated = await newTier(admin, { 'requests.cpu': '1' }, { autoApprove: false });
      const t = await newTenant(api(), { allowedClusters: [cluster], allowedTiers: [gated] });
      const pending = await api()
        .post(`/v1/tenants/${t.name}/namespace-requests`)
        .set(bearer(t.developer))
        .send({ name: `${t.name}-a`, cluster, tier: gated })
        .expect(201);
      expect(pending.body.state).toBe('PendingApproval');
      await api().patch(`/v1/tenants/${t.name}`).set(bearer(admin)).send({ allowedTiers: [] }).expect(200);
      expect((await deleteTier(admin, gated).expect(409)).body.details[0]).toMatchObject({ code: 'tier-in-use', requests: 1 });
      await api().post(`/v1/namespace-requests/${pending.body.id}/cancel`).set(bearer(t.developer)).send({}).expect(200);
      await deleteTier(admin, gated).expect(204);
    });
  });

  describe('a namespace keeps the resources it was approved with', () => {
    async function world(budgetCpu: string) {
      const { admin, cluster } = await catalogue(api());
      const tier = await newTier(admin, { 'requests.cpu': '1' }, { limitRange: { default: { cpu: '500m' } } });
      const other = await newTier(admin, { 'requests.cpu': '500m' });
      const tenant = await newTenant(api(), { allowedClusters: [cluster], allowedTiers: [tier, other], budget: { 'requests.cpu': budgetCpu, namespaces: 10 } });
      const name = `${tenant.name}-app`;
      await api().post(`/v1/tenants/${tenant.name}/namespace-requests`).set(bearer(tenant.developer)).send({ name, cluster, tier }).expect(201);
      const ns = () => api().get(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.viewer)).expect(200);
      const patch = (body: Record<string, unknown>) => api().patch(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.developer)).send(body);
      const allocated = async () =>
        (await api().get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200)).body.resources.find(
          (r: { resource: string }) => r.resource === 'requests.cpu',
        ).allocated as string;
      return { admin, cluster, tier, other, tenant, name, ns, patch, allocated };
    }

    it('a label-only change after the tier grew past the budget is approved, and nothing is re-sized', async () => {
      const w = await world('1');
      await api()
        .patch(`/v1/quota-tiers/${w.tier}`)
        .set(bearer(w.admin))
        .send({ resources: { 'requests.cpu': '4' }, limitRange: { default: { cpu: '2' } } })
        .expect(200);
      const change = await w.patch({ labels: { team: 'web' } });
      expect(change.status).toBe(201);
      expect(change.body.state).toBe('Approved');
      const ns = (await w.ns()).body;
      expect(ns.spec.labels).toEqual({ team: 'web' });
      expect(ns.resources).toEqual({ 'requests.cpu': '1' });
      const [row] = await sql<{ limitRange: unknown }>('SELECT "limitRange" FROM "Namespace" WHERE name = $1', [w.name]);
      expect(row.limitRange).toEqual({ default: { cpu: '500m' } });
      expect(await w.allocated()).toBe('1');
      // The ledger agrees with the namespace row.
      const ledger = await sql<{ milli: string }>(
        `SELECT a.milli::text AS milli FROM "Allocation" a JOIN "Namespace" n ON n.id = a."namespaceId" WHERE n.name = $1 AND a.resource = 'requests.cpu'`,
        [w.name],
      );
      expect(ledger).toEqual([{ milli: '1000' }]);
    });

    it('a label-only change after the tier shrank keeps the larger approved quota; re-sending the same tier keeps it too', async () => {
      const w = await world('10');
      await api()
        .patch(`/v1/quota-tiers/${w.tier}`)
        .set(bearer(w.admin))
        .send({ resources: { 'requests.cpu': '100m' } })
        .expect(200);
      await w.patch({ labels: { team: 'a' } }).expect(201);
      expect((await w.ns()).body.resources).toEqual({ 'requests.cpu': '1' });
      await w.patch({ tier: w.tier, labels: { team: 'b' } }).expect(201);
      expect((await w.ns()).body.resources).toEqual({ 'requests.cpu': '1' });
      expect(await w.allocated()).toBe('1');
    });

    it('moving to another tier or to explicit resources re-sizes, through budget and policy as before', async () => {
      const w = await world('1');
      await w.patch({ tier: w.other }).expect(201);
      expect((await w.ns()).body.resources).toEqual({ 'requests.cpu': '500m' });
      expect(await w.allocated()).toBe('500m');
      const over = await w.patch({ resources: { 'requests.cpu': '2' } }).expect(422);
      expect(over.body.details.map((d: { code: string }) => d.code)).toContain('budget.exceeded');
    });
  });
});
