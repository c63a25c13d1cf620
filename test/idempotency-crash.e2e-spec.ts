import { Client } from 'pg';
import request from 'supertest';
import { sql } from './helpers/db';
import { expectErrorShape } from './helpers/errors';
import { bearer, tenantOnCatalogue, TenantFixture, uniqueName } from './helpers/fixtures';
import { ApiProcess, FleetEnv, fleetEnv, startApiProcess } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';

/**
 * Idempotency keys survive a crash: a key whose request died with its process blocks retries only for
 * its lease (409 + Retry-After), then a retry runs the request again, exactly once.
 */
/** Short for the test; the second process is started before the crash, so its first retry falls within the lease. */
const LEASE_SECONDS = 5;

let env: FleetEnv;
const processes: ApiProcess[] = [];
let t: { tenant: TenantFixture; cluster: string; tier: string };
let tenantId: string;

async function api(name: string): Promise<ApiProcess> {
  const p = await startApiProcess(env, name, { BERTH_IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS) });
  processes.push(p);
  await p.ready;
  return p;
}

/** Holds the tenant's row lock in a transaction of its own: requests of that tenant block inside theirs. */
async function holdTenantLock(): Promise<{ pid: number; release(): Promise<void> }> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM "Tenant" WHERE id = $1 FOR UPDATE', [tenantId]);
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  return {
    pid,
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** True once another session waits for the lock `holder` took (the request is inside its transaction). */
async function someoneWaitsOn(holder: { pid: number }): Promise<boolean> {
  const rows = await sql('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [holder.pid]);
  return rows.length > 0;
}

const record = async (key: string) =>
  (await sql<{ status: number | null; createdAt: Date }>('SELECT status, "createdAt" FROM "IdempotencyRecord" WHERE key = $1', [key]))[0];
const requestsNamed = async (name: string) => (await sql<{ id: string }>('SELECT id FROM "NamespaceRequest" WHERE namespace = $1', [name])).map((r) => r.id);

beforeAll(async () => {
  env = await fleetEnv();
  const first = await api('setup');
  t = await tenantOnCatalogue(request(first.base));
  tenantId = (await sql<{ id: string }>('SELECT id FROM "Tenant" WHERE name = $1', [t.tenant.name]))[0].id;
  await first.stop();
}, 120_000);

afterAll(async () => {
  for (const p of processes) await p.stop();
  await env.cleanup();
});

describe('Idempotency-Key lease', () => {
  it('a key whose process was SIGKILLed mid-request is 409 with Retry-After within the lease, then runs exactly once', async () => {
    const name = `${t.tenant.name}-crash`;
    const key = `crash-${uniqueName()}`;
    const body = { name, cluster: t.cluster, tier: t.tier };
    const post = (p: ApiProcess) =>
      request(p.base).post(`/v1/tenants/${t.tenant.name}/namespace-requests`).set(bearer(t.tenant.owner)).set('Idempotency-Key', key).send(body);

    const doomed = await api('doomed');
    const next = await api('next');
    const lock = await holdTenantLock();
    const inFlight = post(doomed).then(
      (res) => res.status,
      (error: Error) => error.message,
    );
    // The key is stored (in flight) and the request waits inside its transaction, behind our lock.
    await waitFor(async () => (await record(key))?.status === null, { what: 'the key to be claimed', timeoutMs: 20_000 });
    await waitFor(() => someoneWaitsOn(lock), { what: 'the request to block on the tenant lock', timeoutMs: 20_000 });
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await lock.release();
    expect(await inFlight).toMatch(/socket hang up|ECONNRESET/);
    const claimedAt = (await record(key)).createdAt.getTime();
    expect(await requestsNamed(name)).toEqual([]);

    const early = await post(next);
    expectErrorShape(early, 409);
    expect(early.body.details[0].code).toBe('idempotency-key-in-flight');
    const retryAfter = Number(early.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LEASE_SECONDS);
    expect(await requestsNamed(name)).toEqual([]);

    // Retry until the lease is over: the first answer that is not a 409 is the request, run again.
    const done = await waitFor(
      async () => {
        const res = await post(next);
        return res.status === 409 ? undefined : res;
      },
      { what: 'the lease to end', timeoutMs: (LEASE_SECONDS + 10) * 1000, intervalMs: 250 },
    );
    expect(Date.now()).toBeGreaterThanOrEqual(claimedAt + LEASE_SECONDS * 1000);
    expect(done.status).toBe(201);
    expect(await requestsNamed(name)).toEqual([done.body.id]);

    // And from now on the stored answer is replayed.
    const replay = await post(next).expect(201);
    expect(replay.body).toEqual(done.body);
    expect(await requestsNamed(name)).toEqual([done.body.id]);
    expect((await record(key)).status).toBe(201);
  }, 120_000);

  it('a request that outlives its lease loses the key to the retry and changes nothing: still exactly one', async () => {
    const name = `${t.tenant.name}-slow`;
    const key = `slow-${uniqueName()}`;
    const body = { name, cluster: t.cluster, tier: t.tier };
    const p = await api('slow');
    const post = () =>
      request(p.base).post(`/v1/tenants/${t.tenant.name}/namespace-requests`).set(bearer(t.tenant.owner)).set('Idempotency-Key', key).send(body);

    const lock = await holdTenantLock();
    const slow = post().then((res) => res);
    await waitFor(() => someoneWaitsOn(lock), { what: 'the first request to block on the tenant lock', timeoutMs: 20_000 });
    const claimedAt = (await record(key)).createdAt.getTime();
    // After the lease a retry takes the key over (and waits for the tenant lock too).
    const retry = await waitFor(
      async () => {
        if (Date.now() < claimedAt + LEASE_SECONDS * 1000) return undefined;
        const pending = post().then((res) => res);
        await waitFor(async () => (await record(key)).createdAt.getTime() !== claimedAt, { what: 'the retry to claim the key', timeoutMs: 5_000 });
        return { pending };
      },
      { what: 'the lease to end', timeoutMs: (LEASE_SECONDS + 10) * 1000, intervalMs: 250 },
    );
    await lock.release();
    const [first, second] = await Promise.all([slow, retry.pending]);
    expectErrorShape(first, 409);
    expect(first.body.details[0].code).toBe('idempotency-lease-lost');
    expect(second.status).toBe(201);
    expect(await requestsNamed(name)).toEqual([second.body.id]);
    expect((await post().expect(201)).body).toEqual(second.body);
  }, 120_000);
});
