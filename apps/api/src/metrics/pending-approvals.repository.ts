import { Injectable } from '@nestjs/common';
import { PrismaService } from '@berth/prisma';

@Injectable()
export class PendingApprovalsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** How many requests wait for an approver and since when (one index-only read of NamespaceRequest(state, createdAt)). */
  async queue(): Promise<{ count: number; oldest: Date | null }> {
    const [row] = await this.prisma.$queryRaw<Array<{ count: number; oldest: Date | null }>>`
      SELECT count(*)::int AS count, min("createdAt") AS oldest FROM "NamespaceRequest" WHERE state = 'PendingApproval'`;
    return { count: row?.count ?? 0, oldest: row?.oldest ?? null };
  }
}
