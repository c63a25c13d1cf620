import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Cluster } from '@prisma/client';

export class ClusterResponse {
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels: Record<string, string>;
  @ApiProperty() fleetPath: string;
  @ApiPropertyOptional({ nullable: true, type: String }) apiServer: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) credentialsRef: string | null;
  @ApiProperty({ description: 'Last status read back from the cluster (Flux Kustomization berth-tenants); null until read' })
  status: { ready: boolean | null; revision: string | null; message: string | null; checkedAt: Date | null } | null;
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
