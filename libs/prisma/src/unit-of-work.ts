import { Injectable } from '@nestjs/common';
import { PrismaService, PrismaTx } from './prisma.service';
import { withTenantLock } from './tenant-lock';

/**
 * How a service opens its unit of work: one transaction in which it calls its repositories (each takes
 * `tx` first) and writes the change's audit event and outbox jobs, so all of it commits or none does.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `work` in one transaction (Prisma's default options), committed when it returns. */
  run<T>(work: (tx: PrismaTx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /**
   * Runs `work` in one transaction holding the tenant's row lock: work that reads a tenant's owners or rows
   * and then writes, serialized with the tenant's namespace decisions. Through `withTenantLock`, the one
   * lock statement with the one set of transaction options.
   */
  runForTenant<T>(tenantId: string, work: (tx: PrismaTx) => Promise<T>): Promise<T> {
    return withTenantLock(this.prisma, tenantId, work);
  }
}
