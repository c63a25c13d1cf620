import { Injectable } from '@nestjs/common';
import { PrismaService, PrismaTx } from './prisma.service';

/**
 * How a service opens its unit of work: one transaction in which it calls its repositories (each takes
 * `tx` first) and writes the change's audit event and outbox jobs, so all of it commits or none does.
 * Work that reads and decides on a tenant's budget, owners or previews takes the tenant's lock instead
 * (`withTenantLock`, through TenantUnitOfWork): one lock statement, one set of transaction options.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `work` in one transaction (Prisma's default options), committed when it returns. */
  run<T>(work: (tx: PrismaTx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }
}
