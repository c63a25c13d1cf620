import { Client } from 'pg';
import { migrateDeploy } from '../../libs/prisma/src/migrate';
import { createTestDatabase } from '../../test/setup/test-database';

export const DEFAULT_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A uniquely named, migrated database on the server of `serverUrl`; `drop()` removes it (WITH (FORCE)). */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const db = await createTestDatabase(serverUrl, 'berth_bench');
  let dropped = false;
  const bench: BenchDatabase = {
    name: new URL(db.url).pathname.slice(1),
    url: db.url,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await db.drop();
    },
  };
  try {
    await migrateDeploy(bench.url);
  } catch (error) {
    await bench.drop().catch(() => undefined);
    throw error;
  }
  return bench;
}

export interface Seed {
  userSub: string;
  groups: string[];
  /** Names of the tenants the user may see, sorted (what GET /v1/tenants must answer). */
  visibleTenants: string[];
  tenants: number;
  memberships: number;
}

/**
 * `tenants` tenants, each with a few unrelated members; the bench user sees `visible` of them:
 * half through User memberships, half through two groups (one tenant reachable both ways, so the
 * strongest-role merge is exercised too).
 */
export async function seed(url: string, tenants = 200, visible = 20): Promise<Seed> {
  const userSub = 'bench-user';
  const groups = ['team-bench-a', 'team-bench-b', 'team-unrelated'];
  const roles = ['viewer', 'developer', 'owner'] as const;
  return withClient(url, async (c) => {
    await c.query('BEGIN');
    const names = Array.from({ length: tenants }, (_, i) => `tenant-${String(i).padStart(4, '0')}`);
    const { rows } = await c.query<{ id: string; name: string }>(
      `INSERT INTO "Tenant" (id, name, "displayName", budget, "budgetNamespaces", "allowedClusters", "allowedTiers", labels, "updatedAt")
       SELECT gen_random_uuid(), n, 'Tenant ' || n,
              '{"requests.cpu":"20","limits.memory":"64Gi","pods":"500"}'::jsonb, 10,
              ARRAY['prod-eu-1','prod-us-1'], ARRAY['small','medium'],
              jsonb_build_object('team', n, 'env', 'prod'), now()
       FROM unnest($1::text[]) AS n
       RETURNING id, name`,
      [names],
    );
    const ids = new Map(rows.map((r) => [r.name, r.id]));
    const m: Array<[string, 'User' | 'Group', string, string]> = [];
    // Unrelated people in every tenant, so the membership index has to select.
    names.forEach((n, i) => {
      for (let k = 0; k < 3; k++) m.push([ids.get(n)!, 'User', `user-${i}-${k}`, roles[k]]);
      m.push([ids.get(n)!, 'Group', `group-${i % 40}`, 'viewer']);
    });
    // The bench user's 20: spread over the name range so the list is not just the first rows.
    const step = Math.floor(tenants / visible);
    const mine = Array.from({ length: visible }, (_, j) => names[j * step]);
    mine.forEach((n, j) => {
      if (j < visible / 2) m.push([ids.get(n)!, 'User', userSub, roles[j % 3]]);
      else m.push([ids.get(n)!, 'Group', groups[j % 2], roles[j % 3]]);
    });
    m.push([ids.get(mine[0])!, 'Group', groups[0], 'owner']); // reachable twice: strongest role wins
    await c.query(
      `INSERT INTO "Membership" (id, "tenantId", "subjectKind", "subjectName", role)
       SELECT gen_random_uuid(), t, k::"SubjectKind", s, r::"TenantRole"
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS x(t, k, s, r)`,
      [m.map((x) => x[0]), m.map((x) => x[1]), m.map((x) => x[2]), m.map((x) => x[3])],
    );
    await c.query('COMMIT');
    await c.query('ANALYZE');
    return { userSub, groups, visibleTenants: [...mine].sort(), tenants, memberships: m.length };
  });
}

/**
 * `count` namespaces in tenant `tenant` (the page GET /v1/tenants/{t}/namespaces reads), with realistic
 * specs and resources, plus as many in every other tenant, so the tenant's rows must be selected.
 */
export async function seedNamespaces(url: string, tenant: string, count = 60): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(
      `INSERT INTO "Namespace" (id, "tenantId", cluster, name, spec, resources, "limitRange", state, "requestId", "commitSha", "updatedAt")
       SELECT gen_random_uuid(), t.id, 'prod-eu-1', t.name || '-ns-' || g,
              jsonb_build_object('tier', 'small', 'labels', jsonb_build_object('team', t.name, 'app', 'app-' || g),
                                 'access', jsonb_build_array(jsonb_build_object('subject', jsonb_build_object('kind', 'Group', 'name', 'team-' || t.name), 'role', 'edit')),
                                 'networkPolicy', 'tenant'),
              '{"requests.cpu":"500m","limits.memory":"1Gi","pods":"20"}'::jsonb,
              '{"default":{"cpu":"200m","memory":"256Mi"}}'::jsonb,
              'Ready', gen_random_uuid(), md5(t.name || g), now()
       FROM "Tenant" t, generate_series(1, $1::int) g
       WHERE t.name = $2 OR t.name IN (SELECT name FROM "Tenant" ORDER BY name LIMIT 30)`,
      [count, tenant],
    );
    await c.query('ANALYZE');
  });
}
