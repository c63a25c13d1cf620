import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Caller } from '@berth/authz';
import {
  assertVersion,
  ConflictError,
  DEFAULT_PAGE_SIZE,
  isDnsLabel,
  NotFoundError,
  Page,
  PageCursor,
  PageQueryDto,
  PreconditionFailedError,
  toPage,
} from '@berth/common';
import { UnitOfWork } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { QuotaTiersRepository, TierReferences } from './quota-tiers.repository';
import { CreateQuotaTierDto, UpdateQuotaTierDto } from './dto/create-quota-tier.dto';
import { QuotaTierResponse } from './dto/quota-tier.response';

const CURSOR = new PageCursor('quota-tiers', (key) => isDnsLabel(key));

const toJson = (value: unknown) => (value === undefined ? undefined : value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue));

/** Quota tiers are a shared catalogue: every signed-in caller reads it, platform admins write it. */
@Injectable()
export class QuotaTiersService {
  constructor(
    private readonly tiers: QuotaTiersRepository,
    private readonly audit: AuditEventsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async list(query: PageQueryDto): Promise<Page<QuotaTierResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.tiers.list(limit, CURSOR.decode(query.cursor));
    return toPage(CURSOR, rows, limit, (r) => r.name, QuotaTierResponse.from);
  }

  async get(name: string): Promise<QuotaTierResponse> {
    return QuotaTierResponse.from(await this.load(name));
  }

  async create(caller: Caller, dto: CreateQuotaTierDto): Promise<QuotaTierResponse> {
    const data: Prisma.QuotaTierCreateInput = {
      name: dto.name,
      displayName: dto.displayName,
      resources: dto.resources,
      limitRange: toJson(dto.limitRange ? { ...dto.limitRange } : undefined),
      autoApprove: dto.autoApprove ?? true,
    };
    const row = await this.uow.run(async (tx) => {
      const created = await this.tiers.create(tx, data);
      await this.audit.record(tx, caller, { action: 'quota-tier.create', targetType: 'QuotaTier', targetId: created.name, after: created });
      return created;
    });
    return QuotaTierResponse.from(row);
  }

  async update(caller: Caller, name: string, dto: UpdateQuotaTierDto, ifMatch?: number): Promise<QuotaTierResponse> {
    const current = await this.load(name);
    assertVersion(ifMatch, current.version);
    const data: Prisma.QuotaTierUpdateInput = {
      displayName: dto.displayName,
      resources: dto.resources,
      limitRange: toJson(dto.limitRange ? { ...dto.limitRange } : undefined),
      autoApprove: dto.autoApprove,
    };
    const row = await this.uow.run(async (tx) => {
      const changed = await this.tiers.update(tx, name, current.version, data);
      if (!changed) return null;
      await this.audit.record(tx, caller, { action: 'quota-tier.update', targetType: 'QuotaTier', targetId: name, ...changed });
      return changed.after;
    });
    if (!row) throw new PreconditionFailedError();
    return QuotaTierResponse.from(row);
  }

  async remove(caller: Caller, name: string, ifMatch?: number): Promise<void> {
    const current = await this.load(name);
    assertVersion(ifMatch, current.version);
    const outcome = await this.deleteUnused(caller, name, current.version);
    if (outcome === 'stale') throw new PreconditionFailedError();
    if (outcome !== 'deleted') {
      const { namespaces, requests, tenants } = outcome;
      const message = `Quota tier ${name} is in use (${namespaces} namespace(s), ${requests} pending request(s), tenants: ${tenants.join(', ') || 'none'}); move them off it first`;
      throw new ConflictError(message, [{ field: 'name', code: 'tier-in-use', message, namespaces, requests, tenants }]);
    }
  }

  /**
   * Deletes a tier nothing refers to. The tier's row is locked first, so a concurrent delete or update
   * waits; a tenant cannot start using a tier it is not allowed, so counting here is race-free.
   */
  private deleteUnused(caller: Caller, name: string, version: number): Promise<'deleted' | 'stale' | TierReferences> {
    return this.uow.run(async (tx) => {
      const before = await this.tiers.lock(tx, name);
      if (!before || before.version !== version) return 'stale';
      const references = await this.tiers.references(tx, name);
      if (references.namespaces > 0 || references.requests > 0 || references.tenants.length > 0) return references;
      await this.tiers.delete(tx, name);
      await this.audit.record(tx, caller, { action: 'quota-tier.delete', targetType: 'QuotaTier', targetId: name, before });
      return 'deleted';
    });
  }

  private async load(name: string) {
    const row = await this.tiers.findByName(name);
    if (!row) throw new NotFoundError('Quota tier', name);
    return row;
  }
}
