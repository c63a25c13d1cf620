import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { assertCan, Caller } from '@berth/authz';
import { ConflictError, DEFAULT_PAGE_SIZE, NotFoundError, Page, PageCursor, PageQueryDto, toPage } from '@berth/common';
import type { Membership } from '@prisma/client';
import { UnitOfWork } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { TenantsService } from '../tenants/tenants.service';
import { CreateMemberDto, MemberResponse } from './dto/create-member.dto';
import { MembersRepository } from './members.repository';
import { MembershipCache } from '../auth/membership-cache';

/** Who holds which role in a tenant: readable by its members, managed by its owners. */
@Injectable()
export class MembersService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly members: MembersRepository,
    private readonly roles: MembershipCache,
    private readonly audit: AuditEventsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async list(caller: Caller, tenantName: string, query: PageQueryDto): Promise<Page<MemberResponse>> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'read', 'Membership', { tenantId: tenant.id });
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.members.list(tenant.id, limit, CURSOR.decode(query.cursor));
    return toPage(CURSOR, rows, limit, (r) => r.id, MemberResponse.from);
  }

  async add(caller: Caller, tenantName: string, dto: CreateMemberDto): Promise<MemberResponse> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'create', 'Membership', { tenantId: tenant.id });
    const row = await this.uow.run(async (tx) => {
      const created = await this.members.create(tx, { tenantId: tenant.id, subjectKind: dto.subject.kind, subjectName: dto.subject.name, role: dto.role });
      await this.audit.record(tx, caller, {
        action: 'member.add',
        targetType: 'Membership',
        targetId: `${created.subjectKind}:${created.subjectName}`,
        tenantId: created.tenantId,
        after: created,
      });
      return created;
    });
    this.roles.clear();
    return MemberResponse.from(row);
  }

  async remove(caller: Caller, tenantName: string, id: string): Promise<void> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'delete', 'Membership', { tenantId: tenant.id });
    const row = await this.members.find(tenant.id, id);
    if (!row) throw new NotFoundError('Member', id);
    const outcome = await this.removeUnlessLastOwner(caller, row);
    this.roles.clear();
    if (outcome === 'last-owner') {
      throw new ConflictError('A tenant must keep at least one owner; add another owner first', [
        { field: 'id', code: 'last-owner', message: "this is the tenant's last owner" },
      ]);
    }
  }

  /**
   * Removes a membership unless it is the tenant's last owner. Under the tenant's lock, so two concurrent
   * removals of the last two owners cannot both succeed.
   */
  private removeUnlessLastOwner(caller: Caller, row: Membership): Promise<'removed' | 'last-owner'> {
    return this.uow.runForTenant(row.tenantId, async (tx) => {
      if (row.role === 'owner' && (await this.members.countOwners(tx, row.tenantId)) <= 1) return 'last-owner';
      await this.members.delete(tx, row.id);
      await this.audit.record(tx, caller, {
        action: 'member.remove',
        targetType: 'Membership',
        targetId: `${row.subjectKind}:${row.subjectName}`,
        tenantId: row.tenantId,
        before: row,
      });
      return 'removed';
    });
  }
}

/** These lists are ordered by id: a cursor must hold one. */
const CURSOR = new PageCursor('members', (key) => isUUID(key));
