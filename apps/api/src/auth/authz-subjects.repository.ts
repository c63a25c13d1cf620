import { Injectable } from '@nestjs/common';
import type { AuthzSubjects } from '@berth/authz';
import { PrismaService } from '@berth/prisma';
import { MembershipCache, TenantRef } from './membership-cache';

/** The rows the policies guard checks a route's action on, looked up without a visibility filter (the guard applies the ability). */
@Injectable()
export class AuthzSubjectsRepository implements AuthzSubjects {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cache: MembershipCache,
  ) {}

  /** On every `/tenants/{tenant}/…` request: cached with the roles (see MembershipCache), one indexed read on a miss. */
  tenantByName(name: string): Promise<TenantRef | null> {
    return this.cache.tenant(name, async () => {
      const [row] = await this.prisma.sql.$queryRaw<TenantRef[]>`SELECT id::text AS id, name FROM "Tenant" WHERE name = ${name}`;
      return row ?? null;
    });
  }

  namespaceRequest(id: string) {
    return this.prisma.namespaceRequest.findUnique({ where: { id } });
  }
}
