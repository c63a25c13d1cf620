import Fastify, { FastifyInstance } from 'fastify';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';

/**
 * The baseline: what GET /v1/tenants does, by hand. Fastify + one pg Pool (same size as Berth's
 * PrismaPg, 20), HS256 verification with jose (same issuer/audience checks), then the same two
 * queries: the caller's memberships (User or any of their groups), and their visible tenants
 * ordered by name, `limit + 1` rows, mapped to the same page shape.
 */
export interface BareOptions {
  databaseUrl: string;
  jwtSecret: string;
  issuer?: string;
  audience?: string;
  groupsClaim?: string;
}

const RANK: Record<string, number> = { viewer: 1, developer: 2, owner: 3 };
const DEFAULT_LIMIT = 50;

interface TenantRow {
  id: string;
  name: string;
  displayName: string | null;
  budget: Record<string, string>;
  budgetNamespaces: number | null;
  allowedClusters: string[];
  allowedTiers: string[];
  labels: Record<string, string>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export async function startBareServer(options: BareOptions): Promise<{ app: FastifyInstance; pool: Pool; url: string; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: 20 });
  // Like PrismaPg: an idle client's error (e.g. the bench dropping the database) must not crash the process.
  pool.on('error', () => undefined);
  const secret = new TextEncoder().encode(options.jwtSecret);
  const groupsClaim = options.groupsClaim ?? 'groups';
  const app = Fastify({ logger: false });

  app.get('/v1/tenants', async (request, reply) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer) return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'Missing credentials' });
    let sub: string;
    let groups: string[];
    try {
      const { payload } = await jwtVerify(bearer, secret, { algorithms: ['HS256'], issuer: options.issuer, audience: options.audience });
      if (typeof payload.sub !== 'string' || !payload.sub) throw new Error('no sub');
      sub = payload.sub;
      const raw = (payload as Record<string, unknown>)[groupsClaim];
      groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : [];
    } catch (error) {
      return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: (error as Error).message });
    }

    const memberships = await pool.query<{ role: string; tenantId: string; tenantName: string }>(
      `SELECT m.role, t.id AS "tenantId", t.name AS "tenantName"
         FROM "Membership" m JOIN "Tenant" t ON t.id = m."tenantId"
        WHERE (m."subjectKind" = 'User' AND m."subjectName" = $1)
           OR (m."subjectKind" = 'Group' AND m."subjectName" = ANY($2::text[]))`,
      [sub, groups],
    );
    // Strongest role per tenant (every role can read, but keep the same work as Berth).
    const byTenant = new Map<string, string>();
    for (const m of memberships.rows) {
      const seen = byTenant.get(m.tenantId);
      if (!seen || RANK[m.role] > RANK[seen]) byTenant.set(m.tenantId, m.role);
    }

    const limit = DEFAULT_LIMIT;
    const { rows } = await pool.query<TenantRow>(`SELECT * FROM "Tenant" WHERE id = ANY($1::uuid[]) ORDER BY name ASC LIMIT $2`, [
      [...byTenant.keys()],
      limit + 1,
    ]);
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    return {
      items: page.map((row) => {
        const budget: Record<string, string | number> = { ...row.budget };
        if (row.budgetNamespaces !== null) budget.namespaces = row.budgetNamespaces;
        return {
          name: row.name,
          displayName: row.displayName,
          budget,
          allowedClusters: row.allowedClusters,
          allowedTiers: row.allowedTiers,
          labels: row.labels,
          version: row.version,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
        };
      }),
      nextCursor: hasMore ? Buffer.from(page[page.length - 1].name, 'utf8').toString('base64url') : null,
    };
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('bare server: no address');
  return {
    app,
    pool,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}
