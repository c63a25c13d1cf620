import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NamespaceExpiryService } from '../apps/api/src/namespaces/namespace-expiry.service';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { OffsetClock } from './helpers/clock';
import { bearer, tenantOnCatalogue } from './helpers/fixtures';

const HOUR = 3600_000;

/** TTL expiry goes through the decision path of any delete: policy first, so delete.protected applies. */
describe('TTL expiry decides like any delete', () => {
  let app: NestFastifyApplication;
  const clock = new OffsetClock();
  const api = () => http(app);
  beforeAll(async () => {
    app = await startApp({ clock });
  });
  afterEach(() => clock.reset());
  afterAll(async () => {
    await app.close();
  });

  const expiry = () => app.get(NamespaceExpiryService);
  const ttlDeletes = (tenant: string, namespace: string) =>
    sql<{ id: string; state: string; requestedBy: string; decision: { outcome: string; reasons: Array<{ code: string }> } }>(
      `SELECT r.id, r.state, r."requestedBy", r.decision FROM "NamespaceRequest" r JOIN "Tenant" t ON t.id = r."tenantId"
       WHERE t.name = $1 AND r.namespace = $2 AND r.kind = 'Delete' ORDER BY r."createdAt"`,
      [tenant, namespace],
    );

  async function ephemeral(protect: boolean) {
    const world = await tenantOnCatalogue(api(), { budget: { namespaces: 10 } });
    const { tenant, cluster, tier } = world;
    const name = `${tenant.name}-tmp`;
    await api()
      .post(`/v1/tenants/${tenant.name}/namespace-requests`)
      .set(bearer(tenant.owner))
      .send({ name, cluster, tier, ttl: '1h', ...(protect ? { protected: true } : {}) })
      .expect(201);
    const ns = () => api().get(`/v1/tenants/${tenant.name}/namespaces/${name}`).set(bearer(tenant.viewer)).expect(200);
    return { ...world, name, ns };
  }

  it('deletes an expired namespace with an approved Delete decided by the policy', async () => {
    const w = await ephemeral(false);
    await expiry().expireDue();
    expect(await ttlDeletes(w.tenant.name, w.name)).toEqual([]);
    clock.advance(2 * HOUR);
    expect(await expiry().expireDue()).toBeGreaterThanOrEqual(1);
    const [del] = await ttlDeletes(w.tenant.name, w.name);
    expect(del).toMatchObject({ state: 'Approved', requestedBy: 'system:ttl', decision: { outcome: 'approve', reasons: [] } });
    expect((await w.ns()).body.state).toBe('Deleting');
  });

  it('asks an admin, once, to delete an expired protected namespace (delete.protected); the namespace stays meanwhile', async () => {
    const w = await ephemeral(true);
    clock.advance(2 * HOUR);
    await Promise.all([expiry().expireDue(), expiry().expireDue()]);
    let deletes = await ttlDeletes(w.tenant.name, w.name);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ state: 'PendingApproval', requestedBy: 'system:ttl', decision: { outcome: 'needs-approval' } });
    expect(deletes[0].decision.reasons.map((r) => r.code)).toEqual(['delete.protected']);
    expect((await w.ns()).body.state).not.toBe('Deleting');

    // Rejected: the namespace stays and the job does not ask again for this expiry.
    await api().post(`/v1/namespace-requests/${deletes[0].id}/reject`).set(bearer(w.admin)).send({ comment: 'keep it' }).expect(200);
    clock.advance(HOUR);
    await expiry().expireDue();
    clock.advance(HOUR);
    await expiry().expireDue();
    deletes = await ttlDeletes(w.tenant.name, w.name);
    expect(deletes.map((d) => d.state)).toEqual(['Rejected']);
    expect((await w.ns()).body.state).not.toBe('Deleting');

    // A change restarts its TTL; once that expires too, the admin is asked again (and may approve).
    await api()
      .patch(`/v1/tenants/${w.tenant.name}/namespaces/${w.name}`)
      .set(bearer(w.tenant.developer))
      .send({ labels: { team: 'x' } })
      .expect(201);
    clock.advance(2 * HOUR);
    await expiry().expireDue();
    deletes = await ttlDeletes(w.tenant.name, w.name);
    expect(deletes.map((d) => d.state)).toEqual(['Rejected', 'PendingApproval']);
    await api().post(`/v1/namespace-requests/${deletes[1].id}/approve`).set(bearer(w.admin)).send({}).expect(200);
    expect((await w.ns()).body.state).toBe('Deleting');
  });

  it('leaves a namespace whose delete is already waiting for approval alone', async () => {
    const w = await ephemeral(true);
    await api().delete(`/v1/tenants/${w.tenant.name}/namespaces/${w.name}`).set(bearer(w.tenant.owner)).expect(202);
    clock.advance(2 * HOUR);
    await expiry().expireDue();
    const deletes = await ttlDeletes(w.tenant.name, w.name);
    expect(deletes).toHaveLength(1);
    expect(deletes[0].requestedBy).not.toBe('system:ttl');
  });
});
