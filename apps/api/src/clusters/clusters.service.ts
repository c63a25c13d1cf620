import { Inject, Injectable } from '@nestjs/common';
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
  UnprocessableError,
} from '@berth/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { fleetPathClash } from '@berth/manifests';
import { PrismaTx, UnitOfWork } from '@berth/prisma';
import { AuditEventsRepository } from '../audit-events/audit-events.repository';
import { ClustersRepository } from './clusters.repository';
import { ClusterResponse } from './dto/cluster.response';
import { CreateClusterDto, UpdateClusterDto } from './dto/create-cluster.dto';

const CURSOR = new PageCursor('clusters', (key) => isDnsLabel(key));

/**
 * Clusters are a shared catalogue: every signed-in caller reads it, platform admins write it. A cluster's
 * fleetPath is its Flux entry point: Flux applies everything under it to that cluster, and its
 * `berth-tenants` Kustomization prunes. So no fleetPath may equal, contain or lie in another cluster's or
 * the tenants root: one folder, one owner.
 */
@Injectable()
export class ClustersService {
  /** Where the writer renders tenants (BERTH_FLEET_ROOT/tenants), repository-relative like fleetPath. */
  private readonly tenantsRoot: string;

  constructor(
    private readonly clusters: ClustersRepository,
    private readonly audit: AuditEventsRepository,
    private readonly uow: UnitOfWork,
    @Inject(BERTH_CONFIG) config: BerthConfig,
  ) {
    this.tenantsRoot = config.fleet.root ? `${config.fleet.root}/tenants` : 'tenants';
  }

  async list(query: PageQueryDto): Promise<Page<ClusterResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.clusters.list(limit, CURSOR.decode(query.cursor));
    return toPage(CURSOR, rows, limit, (r) => r.name, ClusterResponse.from);
  }

  async get(name: string): Promise<ClusterResponse> {
    return ClusterResponse.from(await this.load(name));
  }

  async create(caller: Caller, dto: CreateClusterDto): Promise<ClusterResponse> {
    const fleetPath = dto.fleetPath ?? `clusters/${dto.name}`;
    const row = await this.uow.run(async (tx) => {
      await this.clusters.lockFleetPaths(tx);
      // `self`: a cluster of the same name is skipped here, so that case is the name's 409, not the path's.
      await this.assertFleetPathFree(tx, fleetPath, dto.name);
      const created = await this.clusters.create(tx, {
        name: dto.name,
        displayName: dto.displayName,
        labels: dto.labels ?? {},
        fleetPath,
        apiServer: dto.apiServer,
        credentialsRef: dto.credentialsRef,
        delivery: dto.delivery,
        pullShards: dto.pullShards,
      });
      await this.audit.record(tx, caller, { action: 'cluster.create', targetType: 'Cluster', targetId: created.name, after: created });
      return created;
    });
    return ClusterResponse.from(row);
  }

  async update(caller: Caller, name: string, dto: UpdateClusterDto, ifMatch?: number): Promise<ClusterResponse> {
    const current = await this.load(name);
    assertVersion(ifMatch, current.version);
    const row = await this.uow.run(async (tx) => {
      await this.clusters.lockFleetPaths(tx);
      if (dto.fleetPath !== undefined) await this.assertFleetPathFree(tx, dto.fleetPath, name);
      const changed = await this.clusters.update(tx, name, current.version, dto as Prisma.ClusterUpdateInput);
      if (!changed) return null;
      await this.audit.record(tx, caller, { action: 'cluster.update', targetType: 'Cluster', targetId: name, ...changed });
      return changed.after;
    });
    if (!row) throw new PreconditionFailedError();
    return ClusterResponse.from(row);
  }

  async remove(caller: Caller, name: string, ifMatch?: number): Promise<void> {
    const current = await this.load(name);
    assertVersion(ifMatch, current.version);
    const outcome = await this.deleteUnused(caller, name, current.version);
    if (outcome === 'stale') throw new PreconditionFailedError();
    if (outcome === 'in-use') {
      throw new ConflictError(`Cluster ${name} still has namespaces; delete them first`, [
        { field: 'name', code: 'cluster-in-use', message: 'namespaces live on this cluster' },
      ]);
    }
  }

  /** Deletes a cluster no namespace lives on (any tenant, any state). */
  private deleteUnused(caller: Caller, name: string, version: number): Promise<'deleted' | 'stale' | 'in-use'> {
    return this.uow.run(async (tx) => {
      const before = await this.clusters.find(tx, name);
      if (!before || before.version !== version) return 'stale';
      if ((await this.clusters.countNamespaces(tx, name)) > 0) return 'in-use';
      if (!(await this.clusters.delete(tx, name, version))) return 'stale';
      await this.audit.record(tx, caller, { action: 'cluster.delete', targetType: 'Cluster', targetId: name, before });
      return 'deleted';
    });
  }

  /** 409 when another cluster owns an overlapping folder, 422 for the tenants root (inside the fleetPath lock). */
  private async assertFleetPathFree(tx: PrismaTx, fleetPath: string, self: string) {
    const clash = fleetPathClash(fleetPath, { tenantsRoot: this.tenantsRoot, clusters: await this.clusters.fleetPaths(tx), self });
    if (!clash) return;
    if (clash.kind === 'cluster') {
      const message = `fleetPath ${fleetPath} overlaps ${clash.path}, the folder of cluster ${clash.cluster}: Flux would apply one cluster's files to the other`;
      throw new ConflictError(message, [{ field: 'fleetPath', code: 'fleet-path-taken', message, cluster: clash.cluster, path: clash.path }]);
    }
    const message =
      clash.kind === 'tenants-root'
        ? `fleetPath ${fleetPath} overlaps the tenants folder ${clash.path}, which Berth renders for every cluster`
        : `fleetPath ${fleetPath} is not a relative folder of the repository`;
    const code = clash.kind === 'tenants-root' ? 'fleet-path-in-tenants-root' : 'fleet-path-invalid';
    throw new UnprocessableError(message, [{ field: 'fleetPath', code, message, path: clash.path }]);
  }

  private async load(name: string) {
    const row = await this.clusters.findByName(name);
    if (!row) throw new NotFoundError('Cluster', name);
    return row;
  }
}
