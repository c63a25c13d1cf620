import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Namespace } from '@prisma/client';
import { IsDnsLabel, PageQueryDto } from '@berth/common';
import { desiredSpecOf } from '@berth/manifests';
import { DryRunQueryDto } from '../../namespace-requests/dto/decide.dto';
import { NamespaceSpecResponse } from '../../namespace-requests/dto/namespace-spec.response';

export const NAMESPACE_STATES = ['Approved', 'Committed', 'Ready', 'Failed', 'Deleting'] as const;

export class NamespaceResponse {
  @ApiProperty() name: string;
  @ApiProperty() cluster: string;
  @ApiProperty() tenant: string;
  @ApiProperty({ enum: NAMESPACE_STATES, description: 'Approved → Committed (in the fleet repo) → Ready (on the cluster) | Failed; Deleting' })
  state: string;
  @ApiProperty({ type: NamespaceSpecResponse, description: 'Desired spec: tier or resources, limitRange, labels, annotations, access, networkPolicy, ttl' })
  spec: NamespaceSpecResponse;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Effective ResourceQuota' })
  resources: Record<string, string>;
  @ApiPropertyOptional({ nullable: true, type: Date }) expiresAt: Date | null;
  @ApiProperty({ format: 'uuid', description: 'The request that produced the current desired state' }) requestId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) commitSha: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'ResourceQuota status.used, as last read back from the cluster',
  })
  used: Record<string, string> | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'When the cluster first reported this desired state applied (Ready)' })
  readyAt: Date | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(row: Namespace, tenant: string): NamespaceResponse {
    return {
      name: row.name,
      cluster: row.cluster,
      tenant,
      state: row.state,
      spec: NamespaceSpecResponse.from(desiredSpecOf(row.spec)),
      resources: row.resources as Record<string, string>,
      expiresAt: row.expiresAt,
      requestId: row.requestId,
      commitSha: row.commitSha,
      lastError: row.lastError,
      used: (row.used as Record<string, string> | null) ?? null,
      readyAt: row.readyAt,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class NamespacePage {
  @ApiProperty({ type: [NamespaceResponse] }) items: NamespaceResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class NamespaceListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: NAMESPACE_STATES })
  @IsOptional()
  @IsIn(NAMESPACE_STATES)
  state?: (typeof NAMESPACE_STATES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsDnsLabel()
  cluster?: string;
}

export class NamespaceParam {
  @ApiProperty() @IsDnsLabel(30, 2) tenant: string;
  @ApiProperty() @IsDnsLabel() name: string;
}

export class ClusterQueryDto extends DryRunQueryDto {
  @ApiPropertyOptional({ description: 'Needed only when the tenant has namespaces of this name on several clusters' })
  @IsOptional()
  @IsDnsLabel()
  cluster?: string;
}

export class ResourceUsage {
  @ApiProperty({ example: 'limits.memory' }) resource: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: '48Gi' }) budget: string | null;
  @ApiProperty({ example: '40Gi' }) allocated: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: '8Gi' }) available: string | null;
  @ApiPropertyOptional({
    type: String,
    example: '12Gi',
    description: "Sum of the namespaces' ResourceQuota status.used as read back from the clusters; absent until a cluster reported this resource",
  })
  used?: string;
  @ApiPropertyOptional({
    type: String,
    example: '2Gi',
    description:
      'What requests awaiting approval would add to `allocated` if approved: a Create its whole quota, a Change its increase only; absent when nothing is pending for this resource',
  })
  pending?: string;
}

export class UsageResponse {
  @ApiProperty() tenant: string;
  @ApiProperty({
    type: 'object',
    properties: {
      budget: { type: 'integer', nullable: true },
      allocated: { type: 'integer' },
      pending: { type: 'integer', description: 'Create requests awaiting approval; absent when none' },
    },
  })
  namespaces: { budget: number | null; allocated: number; pending?: number };
  @ApiProperty({ type: [ResourceUsage] }) resources: ResourceUsage[];
}
