import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';

/**
 * The baseline: what GET /v1/tenants and GET /v1/tenants/{t}/namespaces do, by hand. Fastify + one
 * pg Pool (same size as Berth's PrismaPg, 20), HS256 verification with jose (same issuer/audience
 * checks), the caller's memberships (User or any of their groups), then one query: their visible
 * tenants ordered by name, or the tenant and one page of its namespaces by id (`limit + 1` rows),
 * mapped to the same page shape.
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
  previewTier: string | null;
  previewCluster: string | null;
  previewLimit: number;
  syncRepo: { url: string; branch: string; path: string } | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

interface NamespaceRow {
  id: string;
  tenantName: string;
  cluster: string;
  name: string;
  spec: Record<string, unknown>;
  resources: Record<string, string>;
  state: string;
  expiresAt: Date | null;
  requestId: string;
  commitSha: string | null;
  lastError: string | null;
  used: Record<string, string> | null;
  readyAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Berth's cursor format: base64url of `<list>:<key>`. */
const cursor = (list: string, key: string) => Buffer.from(`${list}:${key}`, 'utf8').toString('base64url');

export async function startBareServer(options: BareOptions): Promise<{ app: FastifyInstance; pool: Pool; url: string; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: 20 });
  // Like PrismaPg: an idle client's error (e.g. the bench dropping the database) must not crash the process.
  pool.on('error', () => undefined);
  const secret = new TextEncoder().encode(options.jwtSecret);
  const groupsClaim = options.groupsClaim ?? 'groups';
  const app = Fastify({ logger: false });

  /** JWT → the caller's strongest role per tenant (id → role), or a 401 sent. */
  async function rolesOf(request: FastifyRequest, reply: FastifyReply): Promise<Map<string, string> | undefined> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer) {
      void reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'Missing credentials' });
      return undefined;
    }
    let sub: string;
    let groups: string[];
    try {
      const { payload } = await jwtVerify(bearer, secret, { algorithms: ['HS256'], issuer: options.issuer, audience: options.audience });
      if (typeof payload.sub !== 'string' || !payload.sub) throw new Error('no sub');
      sub = payload.sub;
      const raw = (payload as Record<string, unknown>)[groupsClaim];
      groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : [];
    } catch (error) {
      void reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: (error as Error).message });
      return undefined;
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
    return byTenant;
  }

  app.get('/v1/tenants', async (request, reply) => {
    const byTenant = await rolesOf(request, reply);
    if (!byTenant) return reply;
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
          previewTier: row.previewTier,
          previewCluster: row.previewCluster,
          previewLimit: row.previewLimit,
          syncRepo: row.syncRepo ?? null,
          version: row.version,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
        };
      }),
      nextCursor: hasMore ? cursor('tenants', page[page.length - 1].name) : null,
    };
  });

  // One page of a tenant's namespaces: the tenant and its rows in one query, 404 unless the caller has a role in it.
  app.get<{ Params: { tenant: string } }>('/v1/tenants/:tenant/namespaces', async (request, reply) => {
    const byTenant = await rolesOf(request, reply);
    if (!byTenant) return reply;
    const limit = DEFAULT_LIMIT;
    const { rows } = await pool.query<NamespaceRow & { tenantId: string }>(
      `SELECT t.id AS "tenantId", t.name AS "tenantName", n.*
         FROM "Tenant" t LEFT JOIN LATERAL (SELECT * FROM "Namespace" WHERE "tenantId" = t.id ORDER BY id LIMIT $2) n ON TRUE
        WHERE t.name = $1 ORDER BY n.id`,
      [request.params.tenant, limit + 1],
    );
    if (rows.length === 0 || !byTenant.has(rows[0].tenantId)) {
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `Tenant ${request.params.tenant} not found` });
    }
    const found = rows.filter((r) => r.id !== null);
    const hasMore = found.length > limit;
    const page = hasMore ? found.slice(0, limit) : found;
    return {
      items: page.map((row) => ({
        name: row.name,
        cluster: row.cluster,
        tenant: row.tenantName,
        state: row.state,
        spec: row.spec,
        resources: row.resources,
        expiresAt: row.expiresAt,
        requestId: row.requestId,
        commitSha: row.commitSha,
        lastError: row.lastError,
        used: row.used,
        readyAt: row.readyAt,
        version: row.version,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      })),
      nextCursor: hasMore ? cursor('namespaces', page[page.length - 1].id) : null,
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
