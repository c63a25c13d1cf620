import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { bearer, newTenant, uniqueName } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

/**
 * GET /v1/tenants/{tenant}/usage: `pending` is what requests awaiting approval would add to the allocation
 * if approved: a Create's whole quota, a Change's increase only (a decrease frees nothing until approved).
 */
describe('usage: pending', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('sums requests awaiting approval next to budget and allocated, and drops them once decided', async () => {
    const api = http(app);
    const admin = await adminToken();
    const cluster = uniqueName('c');
    const [small, gated, big] = [uniqueName('small'), uniqueName('gated'), uniqueName('big')];
    await api.post('/v1/clusters').set(bearer(admin)).send({ name: cluster }).expect(201);
    const tier = (name: string, resources: Record<string, string>, autoApprove: boolean) =>
      api.post('/v1/quota-tiers').set(bearer(admin)).send({ name, resources, autoApprove }).expect(201);
    await tier(small, { 'requests.cpu': '1', 'limits.memory': '4Gi' }, true);
    await tier(gated, { 'requests.cpu': '500m', 'limits.memory': '1Gi' }, false);
    await tier(big, { 'requests.cpu': '2', 'limits.memory': '2Gi' }, false);
    const tenant = await newTenant(api, {
      budget: { 'requests.cpu': '8', 'limits.memory': '16Gi', namespaces: 5 },
      allowedClusters: [cluster],
      allowedTiers: [small, gated, big],
    });
    const requests = `/v1/tenants/${tenant.name}/namespace-requests`;
    const usage = async () => (await api.get(`/v1/tenants/${tenant.name}/usage`).set(bearer(tenant.viewer)).expect(200)).body;

    const live = `${tenant.name}-live`;
    await api.post(requests).set(bearer(tenant.developer)).send({ name: live, cluster, tier: small }).expect(201);
    const created = await api
      .post(requests)
      .set(bearer(tenant.developer))
      .send({ name: `${tenant.name}-new`, cluster, tier: gated })
      .expect(201);
    expect(created.body.state).toBe('PendingApproval');
    // Change 1 CPU / 4Gi → 2 CPU / 2Gi: +1 CPU pending, the memory decrease adds nothing.
    const changed = await api.patch(`/v1/tenants/${tenant.name}/namespaces/${live}`).set(bearer(tenant.developer)).send({ tier: big }).expect(201);
    expect(changed.body).toMatchObject({ kind: 'Change', state: 'PendingApproval' });

    const before = await usage();
    expect(before.namespaces).toEqual({ budget: 5, allocated: 1, pending: 1 });
    expect(before.resources).toEqual(
      expect.arrayContaining([
        { resource: 'requests.cpu', budget: '8', allocated: '1', available: '7', pending: '1500m' },
        { resource: 'limits.memory', budget: '16Gi', allocated: '4Gi', available: '12Gi', pending: '1Gi' },
      ]),
    );

    await api.post(`/v1/namespace-requests/${created.body.id}/approve`).set(bearer(admin)).send({}).expect(200);
    await api.post(`/v1/namespace-requests/${changed.body.id}/reject`).set(bearer(admin)).send({ comment: 'not now' }).expect(200);
    const after = await usage();
    expect(after.namespaces).toEqual({ budget: 5, allocated: 2 });
    expect(after.resources).toEqual(
      expect.arrayContaining([
        { resource: 'requests.cpu', budget: '8', allocated: '1500m', available: '6500m' },
        { resource: 'limits.memory', budget: '16Gi', allocated: '5Gi', available: '11Gi' },
      ]),
    );
  });
});
