import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Cluster } from '@prisma/client';

/** What the status reader last read back from a cluster. */
export class ClusterStatusResponse {
  @ApiProperty({ nullable: true, type: Boolean, description: 'Ready condition; null when the cluster did not say' }) ready: boolean | null;
  @ApiProperty({ nullable: true, type: String, description: 'Last applied revision (fleet commit)' }) revision: string | null;
  @ApiProperty({ nullable: true, type: String }) message: string | null;
  @ApiProperty({ nullable: true, type: Date }) checkedAt: Date | null;
}

export class ClusterResponse {
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels: Record<string, string>;
  @ApiProperty() fleetPath: string;
  @ApiPropertyOptional({ nullable: true, type: String }) apiServer: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) credentialsRef: string | null;
  @ApiProperty({ enum: ['push', 'pull'], description: "push: the fleet repository's berth-tenants Kustomization; pull: Flux Operator inputs" })
  delivery: 'push' | 'pull';
  @ApiProperty({ description: 'Pull mode: ResourceSets berth (1) or berth-0 … berth-<n-1>' }) pullShards: number;
  @ApiProperty({
    type: ClusterStatusResponse,
    nullable: true,
    description: 'Last status read back from the cluster (Flux Kustomization berth-tenants, or the ResourceSets in pull mode); null until read',
  })
  status: ClusterStatusResponse | null;
  @ApiProperty({ description: 'Row version; also the ETag' }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(row: Cluster): ClusterResponse {
    return {
      name: row.name,
      displayName: row.displayName,
      labels: row.labels as Record<string, string>,
      fleetPath: row.fleetPath,
      apiServer: row.apiServer,
      credentialsRef: row.credentialsRef,
      delivery: row.delivery,
      pullShards: row.pullShards,
      status: row.statusCheckedAt ? { ready: row.statusReady, revision: row.statusRevision, message: row.statusMessage, checkedAt: row.statusCheckedAt } : null,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class ClusterPage {
  @ApiProperty({ type: [ClusterResponse] }) items: ClusterResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
