import { Injectable } from '@nestjs/common';
import { Prisma, type Cluster, type FleetStatus, type Namespace, type NamespaceRequest, type Tenant } from '@prisma/client';
import { PgUnit, runUnit } from '@berth/prisma';
import { CommittedRow, committedEvents, WebhookEvents } from '@berth/webhooks';
import { FleetPrisma } from './fleet-prisma.service';

export type PendingRequest = NamespaceRequest & { tenant: { name: string } };
export type LiveNamespace = Namespace & { tenant: { name: string; syncRepo: unknown } };

export const FLEET_STATUS_ID = 'fleet';

/** A namespace as the commit rendered it: settled when its desired state is still that version. */
export type RenderedNamespace = { id: string; version: number; deleting: boolean };

/**
 * The opening of the writer's units of work, sent with their first statement. A statement that waits longer
 * than this (a row lock held elsewhere) fails the unit, and the batch is retried, instead of stalling the writer.
 */
const BEGIN_WRITER_UNIT = "BEGIN; SET LOCAL statement_timeout = '20s'";

/**
 * What the fleet writer reads and records; the database is the desired state, git its rendering.
 * The queries of every batch are raw SQL on the writer's pool (`FleetPrisma.sql`), typed as Prisma types its
 * own answers (timestamps as Date, JSON parsed, enums as strings); Prisma serves the cold paths.
 */
@Injectable()
export class FleetWriterRepository {
  constructor(
    private readonly prisma: FleetPrisma,
    private readonly webhooks: WebhookEvents,
  ) {}

  /** Approved requests not yet committed, oldest first (bounded: one commit holds at most `limit`). */
  pending(limit: number): Promise<PendingRequest[]> {
    return this.prisma.sql.$queryRaw<PendingRequest[]>`
      SELECT r.*, json_build_object('name', t.name) AS tenant
        FROM "NamespaceRequest" r JOIN "Tenant" t ON t.id = r."tenantId"
       WHERE r.state = 'Approved'
       ORDER BY r."decidedAt", r.id
       LIMIT ${limit}`;
  }

  async countPending(): Promise<number> {
    const [row] = await this.prisma.sql.$queryRaw<Array<{ count: number }>>`
      SELECT count(*)::int AS count FROM "NamespaceRequest" WHERE state = 'Approved'`;
    return row.count;
  }

  /** Current desired state of the namespaces these requests touch (missing ones were removed). */
  namespaces(refs: Array<{ cluster: string; name: string }>): Promise<LiveNamespace[]> {
    if (refs.length === 0) return Promise.resolve([]);
    // A semi-join on the pairs: each namespace once, however many requests of the batch touch it.
    return this.prisma.sql.$queryRaw<LiveNamespace[]>`
      SELECT n.*, json_build_object('name', t.name, 'syncRepo', t."syncRepo") AS tenant
        FROM "Namespace" n JOIN "Tenant" t ON t.id = n."tenantId"
       WHERE (n.cluster, n.name) IN (SELECT * FROM unnest(${refs.map((r) => r.cluster)}::text[], ${refs.map((r) => r.name)}::text[]))`;
  }

  /** Every namespace of the desired state (drift and reconcile). */
  allLive(): Promise<LiveNamespace[]> {
    return this.prisma.namespace.findMany({
      where: { state: { not: 'Deleting' } },
      include: { tenant: { select: { name: true, syncRepo: true } } },
      orderBy: [{ cluster: 'asc' }, { name: 'asc' }],
    });
  }

  tenantsByName(names: string[]): Promise<Array<Pick<Tenant, 'name' | 'syncRepo'>>> {
    return this.prisma.sql.$queryRaw`SELECT name, "syncRepo" FROM "Tenant" WHERE name = ANY(${names}::text[])`;
  }

  clusters(): Promise<Array<Pick<Cluster, 'name' | 'fleetPath'>>> {
    return this.prisma.sql.$queryRaw`SELECT name, "fleetPath" FROM "Cluster"`;
  }

  /**
   * Records a commit: requests → Committed with its SHA (their `namespace.committed` events emitted); namespaces
   * whose desired state is what was rendered (same version) → Committed, deleted ones leave the table (and free
   * their name); `pushed`: the commit was pushed just now, recorded as the last push (see {@link recordPush}).
   *
   * Two round trips when no webhook subscription can receive the events: one statement carries every write,
   * sent with the BEGIN, then the COMMIT. It also says whether any subscription of these tenants (or the
   * platform's) exists, as the decision seam's policy read does; only then is the fan-out run (a third round
   * trip, and the wake-ups of the streams it fed).
   */
  async markCommitted(requestIds: string[], sha: string, rendered: RenderedNamespace[], opts: { pushed?: boolean } = {}): Promise<void> {
    await this.inUnit(async (unit) => {
      const committed = await unit.$queryRaw<Array<CommittedRow & { webhooks: boolean }>>(commitStatement(requestIds, sha, rendered, opts.pushed === true));
      // Without a subscription these events could be for, the fan-out would insert nothing.
      if (committed.some((row) => row.webhooks)) await this.webhooks.emit(unit, committedEvents(committed, sha));
    });
  }

  /**
   * Crash recovery: a request whose commit is already on the remote (found by its trailer). Its namespace is
   * settled too when its desired state is still this request's (same requestId: nothing changed it since).
   */
  async markRecovered(requestId: string, sha: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const updated = await tx.namespaceRequest.updateMany({
        where: { id: requestId, state: 'Approved' },
        data: { state: 'Committed', commitSha: sha, lastError: null },
      });
      if (updated.count === 0) return;
      const row = await tx.namespaceRequest.findUniqueOrThrow({ where: { id: requestId }, include: { tenant: { select: { name: true } } } });
      await this.webhooks.emit(tx, committedEvents([{ ...row, tenant: row.tenant.name }], sha));
      await tx.namespace.deleteMany({ where: { requestId, state: 'Deleting' } });
      await tx.namespace.updateMany({ where: { requestId, state: 'Approved' }, data: { state: 'Committed', commitSha: sha, lastError: null, failedBy: null } });
    });
  }

  /** A request that can never be committed (it does not render or validate): Failed, with the reason. */
  async markFailed(requestId: string, reason: string, namespaceId?: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.namespaceRequest.updateMany({ where: { id: requestId, state: 'Approved' }, data: { state: 'Failed', lastError: reason } });
      if (!namespaceId) return;
      const failed = await tx.namespace.updateMany({ where: { id: namespaceId, requestId }, data: { state: 'Failed', failedBy: 'Writer', lastError: reason } });
      if (failed.count > 0) await this.webhooks.emitForNamespace(tx, 'namespace.failed', namespaceId, { reason });
    });
  }

  /**
   * A failed attempt, visible on the requests (they stay Approved). A remote outage is never the
   * change's fault, so it never fails a request: it is retried until the remote is back.
   */
  async recordAttempt(requestIds: string[], error: string, opts: { countAttempt?: boolean } = {}): Promise<void> {
    // `attempts` counts failures of the change itself (BERTH_FLEET_MAX_ATTEMPTS); an outage leaves it alone, or a
    // long outage would use up the attempts of every change waiting for the remote.
    await this.prisma.namespaceRequest.updateMany({
      where: { id: { in: requestIds }, state: 'Approved' },
      data: { ...(opts.countAttempt === false ? {} : { attempts: { increment: 1 } }), lastError: error },
    });
  }

  async recordPush(sha: string): Promise<void> {
    await this.prisma.sql.$executeRaw(pushStatement(sha, new Date()));
  }

  /**
   * One more failed attempt of the writer (any replica): counts it, keeps when the writer became degraded and
   * sets when the next attempt is due, from the new count. Returns the health as stored.
   */
  recordFailure(error: string, nextAttemptAt: (failures: number) => Date): Promise<FleetStatus> {
    const now = new Date();
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.fleetStatus.upsert({
        where: { id: FLEET_STATUS_ID },
        create: { id: FLEET_STATUS_ID, lastError: error, lastErrorAt: now, failures: 1, degradedSince: now },
        update: { lastError: error, lastErrorAt: now, failures: { increment: 1 } },
      });
      return tx.fleetStatus.update({
        where: { id: FLEET_STATUS_ID },
        data: { degradedSince: row.degradedSince ?? now, nextAttemptAt: nextAttemptAt(row.failures) },
      });
    });
  }

  /** An attempt succeeded: the writer is healthy again. True when it was degraded until now. */
  async recordHealthy(): Promise<boolean> {
    const cleared = await this.prisma.sql.$executeRaw`
      UPDATE "FleetStatus" SET failures = 0, "degradedSince" = NULL, "nextAttemptAt" = NULL, "updatedAt" = ${new Date()}
       WHERE id = ${FLEET_STATUS_ID} AND failures > 0`;
    return cleared > 0;
  }

  async status(): Promise<FleetStatus | null> {
    const [row] = await this.prisma.sql.$queryRaw<FleetStatus[]>`SELECT * FROM "FleetStatus" WHERE id = ${FLEET_STATUS_ID}`;
    return row ?? null;
  }

  /** A unit of work on one connection of the writer's pool, in as few round trips as its statements allow. */
  private inUnit(work: (unit: PgUnit) => Promise<void>): Promise<void> {
    return runUnit(this.prisma.pool, BEGIN_WRITER_UNIT, work);
  }
}

/**
 * Every write of a recorded commit as one statement (raw SQL sets updatedAt itself, as Prisma's @updatedAt
 * would): set-based whatever the batch size, since one update per namespace made a 100-request batch cost
 * 100 round trips. It returns the committed requests, each with `webhooks`: whether a subscription exists
 * that their events could be for.
 */
function commitStatement(requestIds: string[], sha: string, rendered: RenderedNamespace[], pushed: boolean): Prisma.Sql {
  const now = new Date();
  const kept = rendered.filter((n) => !n.deleting);
  const gone = rendered.filter((n) => n.deleting);
  return Prisma.sql`
    WITH committed AS (
      UPDATE "NamespaceRequest" r SET state = 'Committed', "commitSha" = ${sha}, "lastError" = NULL, "updatedAt" = ${now}
        FROM "Tenant" t WHERE t.id = r."tenantId" AND r.id = ANY(${requestIds}::uuid[]) AND r.state = 'Approved'
      RETURNING r.id, r."tenantId", t.name AS tenant, r.kind, r.namespace, r.cluster, r.state, r."requestedBy", r."decidedBy", r."decidedAt", r.comment
    ), settled AS (
      UPDATE "Namespace" n SET state = 'Committed', "commitSha" = ${sha}, "lastError" = NULL, "failedBy" = NULL, "updatedAt" = ${now}
        FROM unnest(${kept.map((n) => n.id)}::uuid[], ${kept.map((n) => n.version)}::int[]) AS r(id, version)
       WHERE n.id = r.id AND n.version = r.version
    ), removed AS (
      DELETE FROM "Namespace" n USING unnest(${gone.map((n) => n.id)}::uuid[], ${gone.map((n) => n.version)}::int[]) AS r(id, version)
       WHERE n.id = r.id AND n.version = r.version AND n.state = 'Deleting'
    )${pushed ? Prisma.sql`, pushed AS (${pushStatement(sha, now)})` : Prisma.empty}
    SELECT c.*, EXISTS (SELECT 1 FROM "WebhookSubscription" s WHERE s."tenantId" IS NULL OR s."tenantId" IN (SELECT "tenantId" FROM committed)) AS webhooks
      FROM committed c`;
}

/** The last push: the first one creates the status row. */
function pushStatement(sha: string, now: Date): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "FleetStatus" (id, "lastPushSha", "lastPushAt", "updatedAt") VALUES (${FLEET_STATUS_ID}, ${sha}, ${now}, ${now})
    ON CONFLICT (id) DO UPDATE SET "lastPushSha" = EXCLUDED."lastPushSha", "lastPushAt" = EXCLUDED."lastPushAt", "updatedAt" = EXCLUDED."updatedAt"`;
}
