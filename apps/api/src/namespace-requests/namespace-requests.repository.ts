import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Namespace, NamespaceRequest, Prisma, RequestState, Tenant } from '@prisma/client';
import { NotFoundError } from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { parseResources, prefixCandidates } from '@berth/policy';
import { canCommitWithStatement, PrismaService, SqlTx } from '@berth/prisma';

export type RequestWithTenant = NamespaceRequest & { tenant: { name: string } };

/** A request row read with its tenant's name (raw SQL: the decision seam's statements). */
type RequestRow = NamespaceRequest & { tenantName: string };
const withTenant = ({ tenantName, ...row }: RequestRow): RequestWithTenant => ({ ...row, tenant: { name: tenantName } });

/** What deciding a pending request changes (approve, reject, cancel); an absent decision or comment stays. */
export interface RequestDecided {
  state: RequestState;
  decision?: unknown;
  decidedBy: string;
  decidedAt: Date;
  comment?: string;
}

/** The tenant's live namespace a decision concerns (the one a Change or Delete names). */
export type CurrentNamespace = Pick<Namespace, 'id' | 'cluster' | 'name' | 'spec' | 'resources' | 'limitRange' | 'version'>;

/**
 * Everything the policy engine needs about one tenant, read inside the tenant's lock: aggregates and
 * indexed lookups only, never the tenant's namespace list, so a decision costs the same at 5 or 5,000.
 */
export interface PolicyState {
  tenant: Pick<Tenant, 'id' | 'name' | 'budgetNamespaces' | 'allowedClusters' | 'allowedTiers'> & { budget: Record<string, string> };
  tiers: Array<{ name: string; resources: Record<string, string>; limitRange: unknown; autoApprove: boolean }>;
  cluster: { name: string; labels: Record<string, string> } | null;
  /** How many live namespaces (everything but those being deleted) the tenant has. */
  namespaceCount: number;
  /** The quota ledger's totals per resource (canonical keys, exact milli-units): what the live namespaces hold. */
  allocated: Map<string, bigint>;
  /** The tenant's live namespace of the asked cluster and name, if any. */
  current: CurrentNamespace | null;
  /** Whether (cluster, name) is used by any namespace of any tenant. */
  nameTaken: boolean;
  /** Other tenants whose namespace prefix the name starts with (the longest prefix owns the name). */
  prefixTenants: string[];
  /** Whether any webhook subscription (the tenant's or the platform's) could receive the decision's events. */
  webhooks: boolean;
}

type PolicyStateRow = Omit<PolicyState, 'allocated'> & { allocated: Record<string, string> };

/** What a new request stores (the decision path fills every field, its id included). */
export interface NewRequest {
  id: string;
  tenantId: string;
  kind: NamespaceRequest['kind'];
  namespace: string;
  cluster: string;
  spec: unknown;
  state: NamespaceRequest['state'];
  decision: unknown;
  reason?: string | null;
  requestedBy: string;
  accountable: string;
  decidedBy: string | null;
  decidedAt: Date | null;
}

/**
 * What an approved request does to its namespace: a new desired state and its quota ledger (create, change),
 * or leaving the desired state (delete: the allocation released, the name kept until the folder is removed).
 */
/** What a decision writes besides its request (see `storeDecision`). */
export interface DecisionWrites {
  namespace: NamespaceWrite | null;
  also: Prisma.Sql[];
  fanOut: Prisma.Sql | null;
  notify: Prisma.Sql[];
  /**
   * This statement is the unit's last: it carries the COMMIT where the transaction allows (see PgUnit). A new
   * namespace whose name another tenant took meanwhile then fails the statement (unique key) instead of
   * being skipped, so that nothing commits: see {@link isNamespaceNameConflict}.
   */
  commit?: boolean;
}

/** A webhook stream a fan-out fed (subscription and ordering key), to be woken. */
export interface FedStream {
  subscriptionId: string;
  orderingKey: string;
}

export interface StoredDecision {
  request: RequestWithTenant;
  namespaceWritten: boolean;
  fed: FedStream[];
}

export type NamespaceWrite =
  | {
      kind: 'upsert';
      target: { id?: string; tenantId: string; cluster: string; name: string };
      desired: { spec: unknown; resources: Record<string, string>; limitRange: unknown; expiresAt: Date | null; requestId: string };
    }
  | { kind: 'delete'; id: string; requestId: string; at: Date };

@Injectable()
export class NamespaceRequestsRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /**
   * One statement of primary-key lookups: the tenant's policy fields, the tier catalogue, the cluster,
   * the ledger's totals and the live namespace count (TenantAllocation and TenantNamespaceCount, which
   * the database keeps as the ledger and namespaces change), whether the name is taken, the prefix
   * owners, and the one namespace concerned. Inside the lock it runs after the lock is held, so its
   * snapshot already sees every decision committed before (READ COMMITTED takes a snapshot per statement).
   */
  async policyState(db: SqlTx, tenantId: string, cluster: string, name: string): Promise<PolicyState> {
    const prefixOf = prefixCandidates(name, this.config.policy.namePrefix);
    const [row] = await db.$queryRaw<PolicyStateRow[]>`
      SELECT
        (SELECT json_build_object('id', t.id, 'name', t.name, 'budget', t.budget, 'budgetNamespaces', t."budgetNamespaces",
                  'allowedClusters', t."allowedClusters", 'allowedTiers', t."allowedTiers")
           FROM "Tenant" t WHERE t.id = ${tenantId}::uuid) AS tenant,
        (SELECT coalesce(json_agg(json_build_object('name', q.name, 'resources', q.resources, 'limitRange', q."limitRange",
                  'autoApprove', q."autoApprove") ORDER BY q.name), '[]')
           FROM "QuotaTier" q) AS tiers,
        (SELECT json_build_object('name', c.name, 'labels', c.labels) FROM "Cluster" c WHERE c.name = ${cluster}) AS cluster,
        coalesce((SELECT c.live FROM "TenantNamespaceCount" c WHERE c."tenantId" = ${tenantId}::uuid), 0) AS "namespaceCount",
        (SELECT coalesce(json_object_agg(a.resource, a.milli::text), '{}')
           FROM "TenantAllocation" a WHERE a."tenantId" = ${tenantId}::uuid AND a.milli <> 0) AS allocated,
        (SELECT json_build_object('id', n.id, 'cluster', n.cluster, 'name', n.name, 'spec', n.spec, 'resources', n.resources,
                  'limitRange', n."limitRange", 'version', n.version)
           FROM "Namespace" n
          WHERE n.cluster = ${cluster} AND n.name = ${name} AND n."tenantId" = ${tenantId}::uuid AND n.state <> 'Deleting') AS current,
        EXISTS (SELECT 1 FROM "Namespace" n WHERE n.cluster = ${cluster} AND n.name = ${name}) AS "nameTaken",
        (SELECT coalesce(array_agg(p.name ORDER BY p.name), '{}') FROM "Tenant" p
          WHERE p.name = ANY(${prefixOf}::text[]) AND p.id <> ${tenantId}::uuid) AS "prefixTenants",
        EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s."tenantId" IS NULL OR s."tenantId" = ${tenantId}::uuid) AS webhooks`;
    if (!row?.tenant) throw new NotFoundError('Tenant', tenantId);
    const allocated = new Map(Object.entries(row.allocated).map(([resource, milli]) => [resource, BigInt(milli)]));
    return { ...row, allocated };
  }

  /** Policy state outside a lock (dry runs): the answer may be stale by the time anyone acts on it. */
  policyStateUnlocked(tenantId: string, cluster: string, name: string): Promise<PolicyState> {
    return this.policyState(this.prisma, tenantId, cluster, name);
  }

  /**
   * A decision's writes in one statement (one round trip under the tenant's lock): the new request, what an
   * approval does to the namespace, `also` (statements of other stores: the audit event), the webhook
   * fan-out (its fed streams returned) and `notify` (expressions evaluated once: the fleet writer's
   * doorbell). Says whether the namespace was written: not when a new namespace's (cluster, name) was taken
   * meanwhile by another tenant's decision (each holds only its own tenant's lock; the unique key decides).
   */
  async storeDecision(tx: SqlTx, tenantName: string, data: NewRequest, writes: DecisionWrites): Promise<StoredDecision> {
    const now = new Date();
    const commit = writes.commit === true && canCommitWithStatement(tx);
    const ctes = [
      Prisma.sql`req AS (
        INSERT INTO "NamespaceRequest" (id, "tenantId", kind, namespace, cluster, spec, state, decision, reason, "requestedBy", accountable,
                                        "decidedBy", "decidedAt", "createdAt", "updatedAt")
        VALUES (${data.id}::uuid, ${data.tenantId}::uuid, ${data.kind}::"RequestKind", ${data.namespace}, ${data.cluster},
                ${JSON.stringify(data.spec)}::jsonb, ${data.state}::"RequestState", ${JSON.stringify(data.decision)}::jsonb, ${data.reason ?? null},
                ${data.requestedBy}, ${data.accountable}, ${data.decidedBy}, ${data.decidedAt}, ${now}, ${now})
        RETURNING *)`,
      ...(writes.namespace ? [namespaceWriteCtes(writes.namespace, commit ? 'fail' : 'skip')] : []),
      ...writes.also.map((statement, i) => Prisma.sql`${Prisma.raw(`also${i}`)} AS (${statement})`),
      ...(writes.fanOut ? [Prisma.sql`fed AS (${writes.fanOut})`] : []),
    ];
    const written = writes.namespace ? Prisma.sql`(SELECT count(*) FROM ns)::int` : Prisma.sql`0`;
    const fed = writes.fanOut
      ? Prisma.sql`(SELECT coalesce(json_agg(json_build_object('subscriptionId', "subscriptionId", 'orderingKey', "orderingKey")), '[]') FROM fed)`
      : Prisma.sql`'[]'::json`;
    // Evaluated once, in one column (pg_notify returns nothing worth a column of its own).
    const notified = writes.notify.length > 0 ? Prisma.sql`(SELECT count(*) FROM (SELECT ${Prisma.join(writes.notify)}) n)::int` : Prisma.sql`0`;
    type Row = { id: string; namespaceWritten: number; fed: FedStream[]; notified: number };
    const statement = Prisma.sql`
      WITH ${Prisma.join(ctes, ', ')} SELECT req.id, ${written} AS "namespaceWritten", ${fed} AS fed, ${notified} AS notified FROM req`;
    const [row] = commit ? await tx.$queryRawAndCommit<Row[]>(statement) : await tx.$queryRaw<Row[]>(statement);
    // Every column was written from `data` and `now` or is a column default: reading the row back would only
    // parse again the JSON just sent.
    const request: NamespaceRequest = {
      ...data,
      spec: data.spec as Prisma.JsonValue,
      decision: data.decision as Prisma.JsonValue,
      reason: data.reason ?? null,
      comment: null,
      commitSha: null,
      lastError: null,
      attempts: 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return { request: { ...request, tenant: { name: tenantName } }, namespaceWritten: row.namespaceWritten > 0, fed: row.fed };
  }

  /** What an approval does to the namespace (the request was stored before); false as `storeDecision` says. */
  async applyApproved(tx: SqlTx, write: NamespaceWrite): Promise<boolean> {
    const [row] = await tx.$queryRaw<Array<{ written: number }>>`WITH ${namespaceWriteCtes(write)} SELECT count(*)::int AS written FROM ns`;
    return row.written > 0;
  }

  findRequest(visible: Prisma.NamespaceRequestWhereInput, id: string): Promise<RequestWithTenant | null> {
    return this.prisma.namespaceRequest.findFirst({ where: { AND: [visible, { id }] }, include: { tenant: { select: { name: true } } } });
  }

  listRequests(visible: Prisma.NamespaceRequestWhereInput, filter: { tenantId?: string; state?: RequestState }, limit: number, after?: string) {
    return this.prisma.namespaceRequest.findMany({
      where: {
        AND: [visible, filter.tenantId ? { tenantId: filter.tenantId } : {}, filter.state ? { state: filter.state } : {}, after ? { id: { gt: after } } : {}],
      },
      orderBy: { id: 'asc' },
      take: limit + 1,
      include: { tenant: { select: { name: true } } },
    });
  }

  /** Re-reads a request under a row lock, inside the tenant's transaction. */
  async lockRequest(tx: SqlTx, id: string): Promise<RequestWithTenant> {
    const [row] = await tx.$queryRaw<RequestRow[]>`
      SELECT r.*, t.name AS "tenantName" FROM "NamespaceRequest" r JOIN "Tenant" t ON t.id = r."tenantId"
       WHERE r.id = ${id}::uuid FOR UPDATE OF r`;
    if (!row) throw new NotFoundError('Namespace request', id);
    return withTenant(row);
  }

  /** Records the decision on a pending request (locked by the caller), in one statement. */
  async decideRequest(tx: SqlTx, id: string, data: RequestDecided): Promise<RequestWithTenant> {
    const decision = data.decision === undefined ? null : JSON.stringify(data.decision);
    const [row] = await tx.$queryRaw<RequestRow[]>`
      UPDATE "NamespaceRequest" r
         SET state = ${data.state}::"RequestState", decision = coalesce(${decision}::jsonb, r.decision), "decidedBy" = ${data.decidedBy},
             "decidedAt" = ${data.decidedAt}, comment = coalesce(${data.comment ?? null}, r.comment), version = r.version + 1,
             "updatedAt" = ${new Date()}
        FROM "Tenant" t
       WHERE r.id = ${id}::uuid AND t.id = r."tenantId"
      RETURNING r.*, t.name AS "tenantName"`;
    if (!row) throw new NotFoundError('Namespace request', id);
    return withTenant(row);
  }

  /** Whether a Change or Delete of the namespace waits for approval (one of them at a time). */
  async hasPendingFor(tx: SqlTx, tenantId: string, cluster: string, namespace: string): Promise<boolean> {
    const [row] = await tx.$queryRaw<Array<{ pending: boolean }>>`
      SELECT EXISTS (SELECT 1 FROM "NamespaceRequest"
                      WHERE "tenantId" = ${tenantId}::uuid AND cluster = ${cluster} AND namespace = ${namespace}
                        AND state = 'PendingApproval' AND kind IN ('Change', 'Delete')) AS pending`;
    return row.pending;
  }
}

/** The unique key a new namespace's (cluster, name) hits when another tenant's decision took it first. */
const NAMESPACE_NAME_KEY = 'Namespace_cluster_name_key';

/** Whether `error` is a statement failing because another tenant's namespace took its (cluster, name) meanwhile. */
export function isNamespaceNameConflict(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === NAMESPACE_NAME_KEY;
}

/**
 * A namespace write as CTEs of one statement; `ns` holds the namespace rows written. An upsert writes the
 * row and its ledger (exact milli-units per resource: the kept resources upserted, the others removed; the
 * parts see one snapshot and touch disjoint ledger rows). A new namespace whose (cluster, name) is taken
 * writes nothing (`skip`) or fails the statement (`fail`). A delete releases the allocation and marks the row Deleting.
 */
function namespaceWriteCtes(write: NamespaceWrite, whenTaken: 'skip' | 'fail' = 'skip'): Prisma.Sql {
  if (write.kind === 'delete') {
    return Prisma.sql`released AS (DELETE FROM "Allocation" WHERE "namespaceId" = ${write.id}::uuid),
      ns AS (UPDATE "Namespace" SET state = 'Deleting', "requestId" = ${write.requestId}::uuid, version = version + 1, "updatedAt" = ${write.at}
              WHERE id = ${write.id}::uuid RETURNING id)`;
  }
  const { target, desired } = write;
  const ledger = [...parseResources(desired.resources)];
  const resources = ledger.map(([resource]) => resource);
  const millis = ledger.map(([, milli]) => milli.toString());
  const [spec, quota, limitRange] = [
    JSON.stringify(desired.spec),
    JSON.stringify(desired.resources),
    desired.limitRange ? JSON.stringify(desired.limitRange) : null,
  ];
  const now = new Date();
  const row = target.id
    ? Prisma.sql`UPDATE "Namespace" SET spec = ${spec}::jsonb, resources = ${quota}::jsonb, "limitRange" = ${limitRange}::jsonb,
                   "expiresAt" = ${desired.expiresAt}, "requestId" = ${desired.requestId}::uuid, state = 'Approved', "lastError" = NULL,
                   version = version + 1, "updatedAt" = ${now}
                 WHERE id = ${target.id}::uuid RETURNING id, "tenantId"`
    : Prisma.sql`INSERT INTO "Namespace" (id, "tenantId", cluster, name, spec, resources, "limitRange", "expiresAt", "requestId", state, "createdAt", "updatedAt")
                 VALUES (${randomUUID()}::uuid, ${target.tenantId}::uuid, ${target.cluster}, ${target.name}, ${spec}::jsonb, ${quota}::jsonb,
                         ${limitRange}::jsonb, ${desired.expiresAt}, ${desired.requestId}::uuid, 'Approved', ${now}, ${now})
                 ${whenTaken === 'skip' ? Prisma.sql`ON CONFLICT (cluster, name) DO NOTHING` : Prisma.empty}
                 RETURNING id, "tenantId"`;
  return Prisma.sql`ns AS (${row}),
    kept AS (
      INSERT INTO "Allocation" ("namespaceId", "tenantId", resource, milli)
      SELECT ns.id, ns."tenantId", l.resource, l.milli FROM ns, unnest(${resources}::text[], ${millis}::bigint[]) AS l(resource, milli)
      ON CONFLICT ("namespaceId", resource) DO UPDATE SET milli = EXCLUDED.milli
    ),
    dropped AS (DELETE FROM "Allocation" a USING ns WHERE a."namespaceId" = ns.id AND a.resource <> ALL(${resources}::text[]))`;
}
