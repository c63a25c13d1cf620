import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import { PrismaService } from '@berth/prisma';
import { WebhookEvents } from '@berth/webhooks';

/** Prefix of `lastError` when Flux (not the fleet writer) failed a namespace; such a Failed may recover. */

export interface ClusterStatusRecord {
  ready: boolean | null;
  revision: string | null;
  message: string | null;
  checkedAt: Date;
}

@Injectable()
export class ClusterStatusRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly webhooks: WebhookEvents,
  ) {}

  findCluster(name: string) {
    return this.prisma.cluster.findUnique({ where: { name }, select: { name: true, credentialsRef: true, delivery: true, pullShards: true } });
  }

  clusters() {
    return this.prisma.cluster.findMany({ select: { name: true, credentialsRef: true }, orderBy: { name: 'asc' } });
  }

  /** Namespaces waiting for the cluster: Committed, or Failed by Flux (a later Ready revision heals them). */
  awaiting(cluster: string) {
    return this.prisma.namespace.findMany({
      where: { cluster, commitSha: { not: null }, OR: [{ state: 'Committed' }, { state: 'Failed', failedBy: 'Flux' }] },
      select: { id: true, name: true, state: true, commitSha: true, requestId: true },
    });
  }

  /** Namespaces whose quota usage is worth copying (everything that should exist on the cluster). */
  live(cluster: string) {
    return this.prisma.namespace.findMany({ where: { cluster, state: { not: 'Deleting' } }, select: { id: true, name: true, used: true } });
  }

  /**
   * The order in which Berth pushed commits: the first time a request was marked Committed with each SHA
   * (one writer at a time, so this is the branch's order), plus the fleet writer's last push (which also
   * covers reconcile commits that carry no request).
   */
  async commitTimes(shas: string[]): Promise<Map<string, Date>> {
    const times = new Map<string, Date>();
    if (shas.length === 0) return times;
    const rows = await this.prisma.$queryRaw<Array<{ sha: string; at: Date }>>(
      Prisma.sql`SELECT "commitSha" AS sha, min("updatedAt") AS at FROM "NamespaceRequest" WHERE "commitSha" = ANY(${shas}::text[]) AND state = 'Committed' GROUP BY "commitSha"`,
    );
    for (const r of rows) times.set(r.sha, r.at);
    const push = await this.prisma.fleetStatus.findMany({ where: { lastPushSha: { in: shas } }, select: { lastPushSha: true, lastPushAt: true } });
    for (const p of push) if (p.lastPushSha && p.lastPushAt && !times.has(p.lastPushSha)) times.set(p.lastPushSha, p.lastPushAt);
    return times;
  }

  /** Guarded by state and commitSha: a namespace re-approved (or re-committed) meanwhile is left alone. */
  async markReady(ids: Array<{ id: string; commitSha: string }>, at: Date): Promise<number> {
    let count = 0;
    for (const { id, commitSha } of ids) {
      count += await this.prisma.$transaction(async (tx) => {
        const r = await tx.namespace.updateMany({
          where: { id, commitSha, OR: [{ state: 'Committed' }, { state: 'Failed', failedBy: 'Flux' }] },
          data: { state: 'Ready', readyAt: at, lastError: null, failedBy: null },
        });
        if (r.count > 0) await this.webhooks.emitForNamespace(tx, 'namespace.ready', id);
        return r.count;
      });
    }
    return count;
  }

  async markFailed(ids: Array<{ id: string; commitSha: string }>, reason: string): Promise<number> {
    let count = 0;
    for (const { id, commitSha } of ids) {
      count += await this.prisma.$transaction(async (tx) => {
        const r = await tx.namespace.updateMany({
          where: { id, commitSha, state: 'Committed' },
          data: { state: 'Failed', failedBy: 'Flux', lastError: `Flux: ${reason}`.slice(0, 2000) },
        });
        if (r.count > 0) await this.webhooks.emitForNamespace(tx, 'namespace.failed', id, { reason });
        return r.count;
      });
    }
    return count;
  }

  async setUsed(id: string, used: Record<string, string>): Promise<void> {
    await this.prisma.namespace.updateMany({ where: { id, state: { not: 'Deleting' } }, data: { used } });
  }

  async recordStatus(cluster: string, status: ClusterStatusRecord): Promise<void> {
    await this.prisma.cluster.updateMany({
      where: { name: cluster },
      data: {
        statusReady: status.ready,
        statusRevision: status.revision,
        statusMessage: status.message?.slice(0, 2000) ?? null,
        statusCheckedAt: status.checkedAt,
      },
    });
  }

  /**
   * A failed read: Ready becomes unknown (null: Berth cannot tell whether Flux is healthy, and `ready: true` next
   * to "unreachable" would say it can), the message says why; the last applied revision stays (it is still the
   * last one Berth saw).
   */
  async recordError(cluster: string, message: string, at: Date): Promise<void> {
    await this.prisma.cluster.updateMany({
      where: { name: cluster },
      data: { statusReady: null, statusMessage: message.slice(0, 2000), statusCheckedAt: at },
    });
  }

  /** Stores a webhook's digest; false when it was seen before (a replay). Old receipts are pruned. */
  async acceptReceipt(digest: string, cluster: string, pruneBefore: Date): Promise<boolean> {
    const inserted = await this.prisma
      .$executeRaw`INSERT INTO "FluxEventReceipt" (digest, cluster, "receivedAt") VALUES (${digest}, ${cluster}, now()) ON CONFLICT (digest) DO NOTHING`;
    if (inserted === 1 && Math.random() < 0.05) await this.prisma.fluxEventReceipt.deleteMany({ where: { receivedAt: { lt: pruneBefore } } });
    return inserted === 1;
  }

  /** Gives a receipt back (its event could not be applied), so a retry of the same bytes is accepted. */
  async forgetReceipt(digest: string): Promise<void> {
    await this.prisma.fluxEventReceipt.deleteMany({ where: { digest } });
  }
}
