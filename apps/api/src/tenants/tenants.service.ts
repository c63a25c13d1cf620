import { Inject, Injectable } from '@nestjs/common';
import { subject } from '@casl/ability';
import { Prisma, Tenant } from '@prisma/client';
import { accessibleWhere, Action, assertCan, AUTHZ_SUBJECTS, AuthzSubjects, Caller } from '@berth/authz';
import {
  assertVersion,
  ConflictError,
  DEFAULT_PAGE_SIZE,
  ErrorDetail,
  isDnsLabel,
  NotFoundError,
  Page,
  PageCursor,
  PageQueryDto,
  PreconditionFailedError,
  toPage,
  UnprocessableError,
} from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { enclosingTenantCandidates, tenantPrefix } from '@berth/policy';
import { FleetQueue } from '@berth/fleet';
import { PrismaTx, UnitOfWork } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { MembersRepository } from '../members/members.repository';
import { CreateTenantDto, SyncRepoDto, UpdateTenantDto } from './dto/create-tenant.dto';
import { splitBudget } from './dto/is-budget';
import { TenantResponse } from './dto/tenant.response';
import { TenantsRepository } from './tenants.repository';
import { MembershipCache } from '../auth/membership-cache';

const CURSOR = new PageCursor('tenants', (key) => isDnsLabel(key));

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly members: MembersRepository,
    private readonly roles: MembershipCache,
    private readonly audit: AuditEventsRepository,
    private readonly fleet: FleetQueue,
    private readonly uow: UnitOfWork,
    @Inject(AUTHZ_SUBJECTS) private readonly subjects: AuthzSubjects,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /**
   * The tenant named in a path, if the caller may see it. Every tenant-scoped route starts here, so a
   * tenant the caller has no role in answers 404 whatever the route: its existence is not revealed.
   */
  async resolve(caller: Caller, name: string): Promise<Tenant> {
    return this.visible(caller, name, await this.tenants.findByName(name));
  }

  /**
   * The tenant's id and name if the caller may read it, else 404 like `resolve`: for routes that need no
   * more than that (a namespace request reads the tenant's policy fields under its lock). The policies
   * guard's lookup, cached with the roles, so a create costs no tenant read of its own.
   */
  async resolveRef(caller: Caller, name: string): Promise<{ id: string; name: string }> {
    return this.visible(caller, name, await this.subjects.tenantByName(name));
  }

  /** The row if the caller may read it (the rule `accessibleWhere` filters lists with, checked on the row), else 404. */
  visible<T extends { id: string }>(caller: Caller, name: string, row: T | null): T {
    if (!row || !caller.ability.can('read', subject('Tenant', row) as never)) throw new NotFoundError('Tenant', name);
    return row;
  }

  /**
   * The tenant for a route about one of its sub-resources that roles below `viewer` may use (previews with
   * a `preview` CI key, which must not read the tenant itself): found when the ability grants any of
   * `actions` on that subject in the tenant, else 404 like `resolve`. No role is named here: the ability
   * table decides. The route still checks its own action on its own subject.
   */
  async resolveFor(caller: Caller, name: string, type: 'Preview', actions: readonly Action[]): Promise<Tenant> {
    const row = await this.tenants.findByName(name);
    if (!row || !actions.some((action) => caller.ability.can(action, subject(type, { tenantId: row.id }) as never))) throw new NotFoundError('Tenant', name);
    return row;
  }

  async list(caller: Caller, query: PageQueryDto): Promise<Page<TenantResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.tenants.listVisible(accessibleWhere(caller.ability, 'read', 'Tenant'), limit, CURSOR.decode(query.cursor));
    return toPage(CURSOR, rows, limit, (r) => r.name, TenantResponse.from);
  }

  async get(caller: Caller, name: string): Promise<TenantResponse> {
    return TenantResponse.from(await this.resolve(caller, name));
  }

  async create(caller: Caller, dto: CreateTenantDto): Promise<TenantResponse> {
    await this.assertCatalogueNames(dto.allowedClusters, dto.allowedTiers, dto.previewCluster, dto.previewTier);
    const { resources, namespaces } = splitBudget(dto.budget ?? {});
    const data: Prisma.TenantCreateInput = {
      name: dto.name,
      displayName: dto.displayName,
      budget: resources,
      budgetNamespaces: namespaces,
      allowedClusters: dedupe(dto.allowedClusters),
      allowedTiers: dedupe(dto.allowedTiers),
      labels: dto.labels ?? {},
      previewTier: dto.previewTier ?? null,
      previewCluster: dto.previewCluster ?? null,
      previewLimit: dto.previewLimit,
      syncRepo: dto.syncRepo ? storedSyncRepo(dto.syncRepo) : Prisma.DbNull,
    };
    const owners = dedupeSubjects(dto.owners ?? []);
    const row = await this.uow.run(async (tx) => {
      await this.assertStrandsNothing(tx, dto.name);
      const created = await this.tenants.create(tx, data);
      for (const owner of owners) {
        await this.members.create(tx, { tenantId: created.id, subjectKind: owner.kind, subjectName: owner.name, role: 'owner' });
      }
      await this.audit.record(tx, caller, {
        action: 'tenant.create',
        targetType: 'Tenant',
        targetId: created.name,
        tenantId: created.id,
        after: { ...created, owners },
      });
      return created;
    });
    this.roles.clear();
    return TenantResponse.from(row);
  }

  /**
   * Tenant `x-web` next to an existing `x` (prefix `{tenant}-`): names starting `x-web-` become x-web's, so any
   * that `x` already has (or waits for) would be stranded in another tenant's prefix. Refused with 409 naming
   * them; the rows of `x` stay locked until the tenant is stored, so no such name can slip in meanwhile.
   */
  private async assertStrandsNothing(tx: PrismaTx, name: string): Promise<void> {
    const template = this.config.policy.namePrefix;
    const prefix = tenantPrefix(template, name);
    if (prefix.length === 0) return;
    const taken = await this.tenants.lockAndListPrefixed(tx, enclosingTenantCandidates(name, template), prefix);
    if (taken.length === 0) return;
    const message = `Tenant ${name} would own the prefix ${prefix}, which tenant ${taken[0].tenant} already uses (${taken.map((t) => t.name).join(', ')})`;
    throw new ConflictError(message, [
      { field: 'name', code: 'tenant-prefix-in-use', message, tenant: taken[0].tenant, prefix, namespaces: [...new Set(taken.map((t) => t.name))] },
    ]);
  }

  async update(caller: Caller, name: string, dto: UpdateTenantDto, ifMatch?: number): Promise<TenantResponse> {
    const current = await this.resolve(caller, name);
    // Field-level rules: owners may rename and relabel their tenant; budgets and placement are the
    // platform admins' (an owner raising their own budget would defeat it). The tenant-level check
    // comes first so that an empty body is not a way for a viewer to bump the version.
    assertCan(caller.ability, 'update', 'Tenant', current);
    for (const field of Object.keys(dto).filter((k) => dto[k as keyof UpdateTenantDto] !== undefined)) {
      assertCan(caller.ability, 'update', 'Tenant', current, field);
    }
    assertVersion(ifMatch, current.version);
    await this.assertCatalogueNames(dto.allowedClusters, dto.allowedTiers, dto.previewCluster, dto.previewTier);
    const data: Prisma.TenantUpdateManyMutationInput = {
      displayName: dto.displayName,
      labels: dto.labels,
      allowedClusters: dto.allowedClusters ? dedupe(dto.allowedClusters) : undefined,
      allowedTiers: dto.allowedTiers ? dedupe(dto.allowedTiers) : undefined,
      previewTier: dto.previewTier,
      previewCluster: dto.previewCluster,
      previewLimit: dto.previewLimit,
      syncRepo: dto.syncRepo === undefined ? undefined : dto.syncRepo === null ? Prisma.DbNull : storedSyncRepo(dto.syncRepo),
    };
    if (dto.budget) {
      const { resources, namespaces } = splitBudget(dto.budget);
      Object.assign(data, { budget: resources, budgetNamespaces: namespaces });
    }
    const row = await this.uow.run(async (tx) => {
      const changed = await this.tenants.update(tx, current.id, current.version, data);
      if (!changed) return null;
      // A new app repository changes the tenant's onboarding files: the fleet writer re-renders them (the job commits with the change).
      if (dto.syncRepo !== undefined) await this.fleet.enqueueTenant(tx, changed.after.name);
      await this.audit.record(tx, caller, { action: 'tenant.update', targetType: 'Tenant', targetId: changed.after.name, tenantId: current.id, ...changed });
      return changed.after;
    });
    if (!row) throw new PreconditionFailedError();
    return TenantResponse.from(row);
  }

  async remove(caller: Caller, name: string, ifMatch?: number): Promise<void> {
    const current = await this.resolve(caller, name);
    assertCan(caller.ability, 'delete', 'Tenant', current);
    assertVersion(ifMatch, current.version);
    const outcome = await this.deleteUnused(caller, current.id, current.version);
    if (outcome === 'stale') throw new PreconditionFailedError();
    if (outcome === 'in-use') {
      throw new ConflictError(`Tenant ${name} still has namespaces or open requests; delete its namespaces first`, [
        { field: 'tenant', code: 'tenant-in-use', message: 'the tenant has namespaces or open requests' },
      ]);
    }
    this.roles.clear();
  }

  /**
   * Deletes a tenant that has nothing left on any cluster: no namespace (live or being deleted) and no
   * request still open. Under the tenant's lock, so no request can slip in meanwhile.
   */
  private deleteUnused(caller: Caller, id: string, version: number): Promise<'deleted' | 'stale' | 'in-use'> {
    return this.uow.runForTenant(id, async (tx) => {
      const before = await this.tenants.find(tx, id);
      if (!before || before.version !== version) return 'stale';
      if (await this.tenants.inUse(tx, id)) return 'in-use';
      await this.tenants.delete(tx, id);
      // tenantId stays on the event although the row is gone: the trail outlives the tenant.
      await this.audit.record(tx, caller, { action: 'tenant.delete', targetType: 'Tenant', targetId: before.name, tenantId: id, before });
      return 'deleted';
    });
  }

  /** Unknown clusters or tiers are a 422 naming each one, not a silent grant of nothing. */
  private async assertCatalogueNames(clusters?: string[], tiers?: string[], previewCluster?: string | null, previewTier?: string | null): Promise<void> {
    const details: ErrorDetail[] = [
      ...(await this.tenants.missingNames('cluster', clusters ?? [])).map((n) => ({
        field: 'allowedClusters',
        code: 'unknown-cluster',
        message: `cluster '${n}' does not exist`,
      })),
      ...(await this.tenants.missingNames('quotaTier', tiers ?? [])).map((n) => ({
        field: 'allowedTiers',
        code: 'unknown-tier',
        message: `quota tier '${n}' does not exist`,
      })),
      ...(await this.tenants.missingNames('cluster', previewCluster ? [previewCluster] : [])).map((n) => ({
        field: 'previewCluster',
        code: 'unknown-cluster',
        message: `cluster '${n}' does not exist`,
      })),
      ...(await this.tenants.missingNames('quotaTier', previewTier ? [previewTier] : [])).map((n) => ({
        field: 'previewTier',
        code: 'unknown-tier',
        message: `quota tier '${n}' does not exist`,
      })),
    ];
    if (details.length > 0) throw new UnprocessableError(details.map((d) => d.message).join('; '), details);
  }
}

const dedupe = (values?: string[]) => [...new Set(values ?? [])].sort();

function dedupeSubjects<T extends { kind: string; name: string }>(subjects: T[]): T[] {
  const seen = new Map(subjects.map((s) => [`${s.kind}:${s.name}`, s]));
  return [...seen.values()];
}

/** Stored as given (the response echoes it); optional fields left out are not stored as undefined keys. */
function storedSyncRepo(repo: SyncRepoDto): Prisma.InputJsonObject {
  const { url, branch, path, paths, secretRef } = repo;
  return { url, branch, path, ...(paths != null ? { paths: { ...paths } } : {}), ...(secretRef != null ? { secretRef } : {}) };
}
