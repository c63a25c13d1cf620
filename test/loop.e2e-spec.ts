import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ClusterStatusService } from '../apps/api/src/cluster-status/cluster-status.service';
import { http, startApp } from './helpers/app';
import { bearer } from './helpers/fixtures';
import { cloneOf, FleetEnv, fleetEnv, fleetWorld, requestNamespace } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { KubeStub } from './helpers/kube-stub';

/**
 * The whole chain over HTTP: a developer asks, policy approves, the fleet writer commits to a real bare
 * repository, the (stub) cluster applies that revision, and Berth shows the namespace Ready with its used
 * quota next to the allocation.
 */
describe('the loop: request → Committed → applied by the cluster → Ready', () => {
  let app: NestFastifyApplication;
  let fleet: FleetEnv;
  let stub: KubeStub;
  const kubeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-loop-kube-'));
  const saved = { ...process.env };

  beforeAll(async () => {
    fleet = await fleetEnv();
    stub = await new KubeStub().start();
    process.env.BERTH_KUBECONFIG_DIR = kubeDir;
    process.env.BERTH_STATUS_INTERVAL_SECONDS = '0';
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
    await stub.stop();
    await fleet.cleanup();
    process.env = saved;
    fs.rmSync(kubeDir, { recursive: true, force: true });
  });

  it('ends Ready with used quota once the cluster applied the commit', async () => {
    const world = await fleetWorld(app, 4);
    stub.writeKubeconfig(kubeDir, world.cluster);
    const name = `${world.tenant.name}-shop`;
    await requestNamespace(app, world, name);

    const committed = await waitFor(
      async () => {
        const res = await http(app).get(`/v1/tenants/${world.tenant.name}/namespaces/${name}`).set(bearer(world.tenant.viewer));
        return res.body.state === 'Committed' ? res.body : null;
      },
      { what: 'namespace Committed', timeoutMs: 20_000 },
    );
    expect(committed.commitSha).toMatch(/^[0-9a-f]{40}$/);
    const clone = await cloneOf(fleet);
    expect(fs.existsSync(path.join(clone, 'tenants', world.cluster, world.tenant.name, name, 'namespace.yaml'))).toBe(true);

    // Before the cluster applies anything, a status pass changes nothing.
    const status = app.get(ClusterStatusService);
    await status.reconcileCluster(world.cluster);
    const still = await http(app).get(`/v1/tenants/${world.tenant.name}/namespaces/${name}`).set(bearer(world.tenant.viewer)).expect(200);
    expect(still.body.state).toBe('Committed');

    stub.setKustomization({
      ready: { status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied' },
      lastAppliedRevision: `main@sha1:${committed.commitSha}`,
    });
    stub.putNamespace(name);
    stub.putQuota(name, { 'requests.cpu': '50m', 'limits.memory': '64Mi' }, { 'requests.cpu': '100m', 'limits.memory': '128Mi' });
    await status.reconcileCluster(world.cluster);

    const ready = await http(app).get(`/v1/tenants/${world.tenant.name}/namespaces/${name}`).set(bearer(world.tenant.viewer)).expect(200);
    expect(ready.body).toMatchObject({ state: 'Ready', used: { 'requests.cpu': '50m', 'limits.memory': '64Mi' }, readyAt: expect.any(String) });
    const usage = await http(app).get(`/v1/tenants/${world.tenant.name}/usage`).set(bearer(world.tenant.viewer)).expect(200);
    expect(usage.body.resources).toEqual(expect.arrayContaining([expect.objectContaining({ resource: 'requests.cpu', allocated: '100m', used: '50m' })]));
  });
});
