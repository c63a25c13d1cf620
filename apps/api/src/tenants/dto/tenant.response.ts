import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Tenant } from '@prisma/client';
import { SyncRepoDto } from './create-tenant.dto';

export class TenantResponse {
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'integer' }] } })
  budget: Record<string, string | number>;
  @ApiProperty({ type: [String] }) allowedClusters: string[];
  @ApiProperty({ type: [String] }) allowedTiers: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels: Record<string, string>;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Default quota tier of pull-request previews' }) previewTier: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Default cluster of pull-request previews' }) previewCluster: string | null;
  @ApiProperty({ description: 'How many previews may exist at once' }) previewLimit: number;
  @ApiPropertyOptional({ nullable: true, type: SyncRepoDto, description: "The team's app repository (url, branch, path, paths per cluster, secretRef)" })
  syncRepo: SyncRepoDto | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(row: Tenant): TenantResponse {
    const budget: Record<string, string | number> = { ...(row.budget as Record<string, string>) };
    if (row.budgetNamespaces !== null) budget.namespaces = row.budgetNamespaces;
    return {
      name: row.name,
      displayName: row.displayName,
      budget,
      allowedClusters: row.allowedClusters,
      allowedTiers: row.allowedTiers,
      labels: row.labels as Record<string, string>,
      previewTier: row.previewTier,
      previewCluster: row.previewCluster,
      previewLimit: row.previewLimit,
      syncRepo: (row.syncRepo as SyncRepoDto | null) ?? null,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class TenantPage {
  @ApiProperty({ type: [TenantResponse] }) items: TenantResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
