import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { Caller } from '@berth/authz';
import {
  assertVersion,
  ConflictError,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  NotFoundError,
  Page,
  PageQueryDto,
  PreconditionFailedError,
  toPage,
} from '@berth/common';
import { ClustersRepository } from './clusters.repository';
import { ClusterResponse } from './dto/cluster.response';
import { CreateClusterDto, UpdateClusterDto } from './dto/create-cluster.dto';

/** Clusters are a shared catalogue: every signed-in caller reads it, platform admins write it. */
@Injectable()
export class ClustersService {
  constructor(private readonly clusters: ClustersRepository) {}

  async list(query: PageQueryDto): Promise<Page<ClusterResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.clusters.list(limit, decodeCursor(query.cursor));
    return toPage(rows, limit, (r) => r.name, ClusterResponse.from);
  }

  async get(name: string): Promise<ClusterResponse> {
    return ClusterResponse.from(await this.load(name));
  }

  async create(caller: Caller, dto: CreateClusterDto): Promise<ClusterResponse> {
    const row = await this.clusters.create(caller, {
      name: dto.name,
      displayName: dto.displayName,
      labels: dto.labels ?? {},
      fleetPath: dto.fleetPath ?? `clusters/${dto.name}`,
      apiServer: dto.apiServer,
      credentialsRef: dto.credentialsRef,
    });
    return ClusterResponse.from(row);
  }

  async update(caller: Caller, name: string, dto: UpdateClusterDto, ifMatch?: number): Promise<ClusterResponse> {
    const current = await this.load(name);
    assertVersion(ifMatch, current.version);
    const row = await this.clusters.update(caller, name, current.version, dto as Prisma.ClusterUpdateInput);
    if (!row) throw new PreconditionFailedError();
    return ClusterResponse.from(row);
  }

  async remove(caller: Caller, name: string, ifMatch?: number): Promise<void> {
    const current = await this.load(name);
    assertVersion(ifMatch, current.version);
    const outcome = await this.clusters.delete(caller, name, current.version);
    if (outcome === 'stale') throw new PreconditionFailedError();
    if (outcome === 'in-use') {
      throw new ConflictError(`Cluster ${name} still has namespaces; delete them first`, [
        { field: 'name', code: 'cluster-in-use', message: 'namespaces live on this cluster' },
      ]);
    }
  }

  private async load(name: string) {
    const row = await this.clusters.findByName(name);
    if (!row) throw new NotFoundError('Cluster', name);
    return row;
  }
}
