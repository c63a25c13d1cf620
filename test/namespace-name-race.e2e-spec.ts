import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configFromEnv } from '@berth/config';
import { createHttpApp } from '../apps/api/src/http-app';
import { http } from './helpers/app';
import { expectErrorShape } from './helpers/errors';
import { bearer, catalogue, newTenant, uniqueName } from './helpers/fixtures';

/**
 * Without a tenant prefix rule (BERTH_NAMESPACE_PREFIX=''), two tenants may ask for the same cluster and name
 * at the same moment. Each decision holds only its own tenant's lock, so both may see the name free; the
 * database's unique (cluster, name) decides. The loser must get a clear 4xx in the error shape, never a 500,
 * and exactly one namespace exists.
 */
describe('the same namespace name asked by two tenants at once', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    const config = configFromEnv();
    app = await createHttpApp({ config: { ...config, policy: { ...config.policy, namePrefix: '' } } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('one wins; every other answer is a 409 or 422 in the error shape; one namespace row', async () => {
    const api = http(app);
    const { cluster, tier } = await catalogue(api);
    const tenants = await Promise.all([1, 2, 3, 4].map(() => newTenant(api, { allowedClusters: [cluster], allowedTiers: [tier] })));
    for (let round = 0; round < 5; round++) {
      const name = uniqueName('race-');
      const answers = await Promise.all(
        tenants.map((t) => http(app).post(`/v1/tenants/${t.name}/namespace-requests`).set(bearer(t.developer)).send({ name, cluster, tier })),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      for (const answer of answers.filter((a) => a.status !== 201)) {
        expect([409, 422]).toContain(answer.status);
        expectErrorShape(answer, answer.status);
      }
      const owners = await Promise.all(tenants.map((t) => http(app).get(`/v1/tenants/${t.name}/namespaces/${name}`).set(bearer(t.viewer))));
      expect(owners.filter((o) => o.status === 200)).toHaveLength(1);
    }
  });
});
