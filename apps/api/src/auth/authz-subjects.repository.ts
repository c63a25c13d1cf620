import { Injectable } from '@nestjs/common';
import type { AuthzSubjects } from '@berth/authz';
import { PrismaService } from '@berth/prisma';

/** The rows the policies guard checks a route's action on, looked up without a visibility filter (the guard applies the ability). */
@Injectable()
export class AuthzSubjectsRepository implements AuthzSubjects {
  constructor(private readonly prisma: PrismaService) {}

  tenantByName(name: string) {
    return this.prisma.tenant.findUnique({ where: { name }, select: { id: true, name: true } });
  }

  namespaceRequest(id: string) {
    return this.prisma.namespaceRequest.findUnique({ where: { id } });
  }
}
