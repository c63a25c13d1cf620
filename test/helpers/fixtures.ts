import { randomBytes } from 'node:crypto';
import TestAgent from 'supertest/lib/agent';
import { adminToken, tokenFor } from './tokens';

export const uniqueName = (prefix = 't') => `${prefix}${randomBytes(5).toString('hex')}`;

export interface TenantFixture {
  name: string;
  /** Bearer tokens of users holding each role in this tenant (by user membership). */
  owner: string;
  developer: string;
  viewer: string;
  ownerSub: string;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A cluster and quota tier created by a platform admin over the API. */
export async function catalogue(api: TestAgent, tierResources: Record<string, string> = { 'requests.cpu': '2', 'limits.memory': '8Gi', pods: '50' }) {
  const admin = await adminToken();
  const cluster = uniqueName('c');
  const tier = uniqueName('tier');
  await api
    .post('/v1/clusters')
    .set(bearer(admin))
    .send({ name: cluster, labels: { env: 'test' } })
    .expect(201);
  await api.post('/v1/quota-tiers').set(bearer(admin)).send({ name: tier, resources: tierResources }).expect(201);
  return { admin, cluster, tier };
}

/** A fresh tenant with one user per role, made through the API as a platform admin. */
export async function newTenant(api: TestAgent, body: Record<string, unknown> = {}): Promise<TenantFixture> {
  const admin = await adminToken();
  const name = uniqueName();
  const ownerSub = `owner-${name}`;
  await api
    .post('/v1/tenants')
    .set(bearer(admin))
    .send({ name, owners: [{ kind: 'User', name: ownerSub }], ...body })
    .expect(201);
  for (const role of ['developer', 'viewer']) {
    await api
      .post(`/v1/tenants/${name}/members`)
      .set(bearer(admin))
      .send({ subject: { kind: 'User', name: `${role}-${name}` }, role })
      .expect(201);
  }
  return {
    name,
    ownerSub,
    owner: await tokenFor({ sub: ownerSub }),
    developer: await tokenFor({ sub: `developer-${name}` }),
    viewer: await tokenFor({ sub: `viewer-${name}` }),
  };
}

/** A tenant-scoped API key with `role`, created by a platform admin; returns the secret. */
export async function tenantApiKey(api: TestAgent, tenant: string, role: 'viewer' | 'developer' | 'owner'): Promise<string> {
  const res = await api
    .post(`/v1/tenants/${tenant}/api-keys`)
    .set(bearer(await adminToken()))
    .send({ name: `${role}-key`, role })
    .expect(201);
  return res.body.key as string;
}

export const apiKeyHeader = (key: string) => ({ 'X-API-Key': key });

export const SMALL_TIER = { 'requests.cpu': '100m', 'limits.memory': '128Mi' };

/** A cluster, an auto-approved small tier, and a new tenant allowed to use both (plus `tenantBody`). */
export async function tenantOnCatalogue(api: TestAgent, tenantBody: Record<string, unknown> = {}, tierResources: Record<string, string> = SMALL_TIER) {
  const { admin, cluster, tier } = await catalogue(api, tierResources);
  const tenant = await newTenant(api, { allowedClusters: [cluster], allowedTiers: [tier], ...tenantBody });
  return { admin, cluster, tier, tenant };
}
