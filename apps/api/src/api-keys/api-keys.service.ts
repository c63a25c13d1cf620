import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { ApiKey } from '@prisma/client';
import { assertCan, Caller } from '@berth/authz';
import { BadInputError, DEFAULT_PAGE_SIZE, NotFoundError, Page, PageCursor, PageQueryDto, toPage, UnprocessableError } from '@berth/common';
import { UnitOfWork } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { generateApiKey } from '../auth/api-key.codec';
import { TenantsService } from '../tenants/tenants.service';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeyResponse, CreateAdminApiKeyDto, CreatedApiKeyResponse, CreateTenantApiKeyDto } from './dto/create-api-key.dto';

type PublicKey = Omit<ApiKey, 'secretHash'>;

/**
 * Service accounts for portals and CI. A tenant key carries one role in one tenant; a global key is a
 * platform admin. The secret is returned once, at creation.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditEventsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async listForTenant(caller: Caller, tenantName: string, query: PageQueryDto): Promise<Page<ApiKeyResponse>> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'read', 'ApiKey', { tenantId: tenant.id });
    return this.page(tenant.id, tenant.name, query);
  }

  async createForTenant(caller: Caller, tenantName: string, dto: CreateTenantApiKeyDto): Promise<CreatedApiKeyResponse> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'create', 'ApiKey', { tenantId: tenant.id });
    return this.create(caller, { name: dto.name, role: dto.role, tenantId: tenant.id }, tenant.name);
  }

  async revokeForTenant(caller: Caller, tenantName: string, id: string): Promise<void> {
    const tenant = await this.tenants.resolve(caller, tenantName);
    assertCan(caller.ability, 'delete', 'ApiKey', { tenantId: tenant.id });
    await this.revoke(caller, tenant.id, id);
  }

  listAdmin(query: PageQueryDto): Promise<Page<ApiKeyResponse>> {
    return this.page(null, null, query);
  }

  /** A platform admin key, or (`role: 'cluster'`) a key that only reads one existing cluster's Flux inputs. */
  async createAdmin(caller: Caller, dto: CreateAdminApiKeyDto): Promise<CreatedApiKeyResponse> {
    if (dto.role !== 'cluster') {
      if (dto.cluster !== undefined)
        throw new BadInputError('Invalid input: cluster', [
          { field: 'cluster', code: 'not-allowed', message: 'only a key with role `cluster` names a cluster' },
        ]);
      return this.create(caller, { name: dto.name, role: 'admin', tenantId: null }, null);
    }
    if (!(await this.keys.clusterExists(dto.cluster!))) {
      throw new UnprocessableError(`cluster '${dto.cluster}' does not exist`, [
        { field: 'cluster', code: 'unknown-cluster', message: `cluster '${dto.cluster}' does not exist` },
      ]);
    }
    return this.create(caller, { name: dto.name, role: 'cluster', tenantId: null, clusterName: dto.cluster! }, null);
  }

  revokeAdmin(caller: Caller, id: string): Promise<void> {
    return this.revoke(caller, null, id);
  }

  private async page(tenantId: string | null, tenantName: string | null, query: PageQueryDto): Promise<Page<ApiKeyResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.keys.list(tenantId, limit, CURSOR.decode(query.cursor));
    return toPage(
      CURSOR,
      rows,
      limit,
      (r) => r.id,
      (r) => ApiKeyResponse.from(r as PublicKey as ApiKey, tenantName),
    );
  }

  private async create(
    caller: Caller,
    spec: Pick<ApiKey, 'name' | 'role' | 'tenantId'> & { clusterName?: string },
    tenantName: string | null,
  ): Promise<CreatedApiKeyResponse> {
    const { key, lookupId, secretHash } = generateApiKey();
    // The new key acts for its creator's person (a key minted by a key: for that key's person).
    const { actor, accountable } = caller.principal;
    const row = await this.uow.run(async (tx) => {
      const created = await this.keys.create(tx, { ...spec, lookupId, secretHash, createdBy: actor, accountable });
      await this.audit.record(tx, caller, {
        action: 'api-key.create',
        targetType: 'ApiKey',
        targetId: created.id,
        tenantId: created.tenantId,
        after: { name: created.name, role: created.role, cluster: created.clusterName },
      });
      return created;
    });
    return { ...ApiKeyResponse.from(row as PublicKey as ApiKey, tenantName), key };
  }

  private async revoke(caller: Caller, tenantId: string | null, id: string): Promise<void> {
    const row = await this.keys.find(tenantId, id);
    if (!row) throw new NotFoundError('API key', id);
    if (row.revokedAt) return;
    await this.uow.run(async (tx) => {
      const revoked = await this.keys.revoke(tx, id, new Date());
      await this.audit.record(tx, caller, {
        action: 'api-key.revoke',
        targetType: 'ApiKey',
        targetId: revoked.id,
        tenantId: revoked.tenantId,
        before: { name: revoked.name, role: revoked.role },
      });
    });
  }
}

/** These lists are ordered by id: a cursor must hold one. */
const CURSOR = new PageCursor('api-keys', (key) => isUUID(key));
