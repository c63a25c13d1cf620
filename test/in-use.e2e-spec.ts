import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { http, startApp } from './helpers/app';
import { expectErrorShape } from './helpers/errors';
import { bearer, newTenant, uniqueName } from './helpers/fixtures';
import { adminToken } from './helpers/tokens';

describe('deleting what is still in use', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses (409) deleting a tenant or cluster that still has namespaces; deletes an empty tenant', async () => {
    const admin = await adminToken();
    const cluster = uniqueName('c');
    const tier = uniqueName('tier');
    await http(app).post('/v1/clusters').set(bearer(admin)).send({ name: cluster }).expect(201);
    await http(app)
      .post('/v1/quota-tiers')
      .set(bearer(admin))
      .send({ name: tier, resources: { 'requests.cpu': '1' } })
      .expect(201);
    const t = await newTenant(http(app), { allowedClusters: [cluster], allowedTiers: [tier] });
    await http(app)
      .post(`/v1/tenants/${t.name}/namespace-requests`)
      .set(bearer(t.developer))
      .send({ name: `${t.name}-a`, cluster, tier })
      .expect(201);
    const clusterRefused = await http(app).delete(`/v1/clusters/${cluster}`).set(bearer(admin)).expect(409);
    expect(clusterRefused.body.details[0]).toMatchObject({ code: 'cluster-in-use' });
    await http(app).get(`/v1/clusters/${cluster}`).set(bearer(admin)).expect(200);
    const refused = await http(app).delete(`/v1/tenants/${t.name}`).set(bearer(admin)).expect(409);
    expectErrorShape(refused);
    expect(refused.body.message).toMatch(/namespace/i);
    await http(app).get(`/v1/tenants/${t.name}`).set(bearer(admin)).expect(200);

    const empty = await newTenant(http(app));
    await http(app).delete(`/v1/tenants/${empty.name}`).set(bearer(admin)).expect(204);
    await http(app).get(`/v1/tenants/${empty.name}`).set(bearer(admin)).expect(404);
  });
});
