import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';
import type { ApiKey } from '@prisma/client';
import { IsDnsLabel, RequestSchema } from '@berth/common';
import { TENANT_ROLES } from '../../members/dto/create-member.dto';

/** Roles a tenant key may hold: a member role, or `preview` (CI: that tenant's previews and nothing else). */
export const TENANT_KEY_ROLES = [...TENANT_ROLES, 'preview'] as const;
/** Global keys: a platform admin, or a cluster's Flux Operator (reads that cluster's inputs only). */
export const GLOBAL_KEY_ROLES = ['admin', 'cluster'] as const;

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;

@RequestSchema()
export class CreateTenantApiKeyDto {
  @ApiProperty({ example: 'backstage' })
  @Matches(KEY_NAME, { message: 'name must be 1-63 letters, digits, spaces, ".", "_" or "-"' })
  name: string;

  @ApiProperty({ enum: TENANT_KEY_ROLES, description: '`preview`: CI for pull-request previews (create, refresh, list, delete previews; nothing else)' })
  @IsIn(TENANT_KEY_ROLES)
  role: (typeof TENANT_KEY_ROLES)[number];
}

@RequestSchema()
export class CreateAdminApiKeyDto {
  @ApiProperty({ example: 'platform-automation' })
  @Matches(KEY_NAME, { message: 'name must be 1-63 letters, digits, spaces, ".", "_" or "-"' })
  name: string;

  @ApiPropertyOptional({
    enum: GLOBAL_KEY_ROLES,
    example: 'cluster',
    description: 'Default `admin`. `cluster`: a Flux Operator reading GET /v1/flux/inputs for `cluster`',
  })
  @IsOptional()
  @IsIn(GLOBAL_KEY_ROLES)
  role?: (typeof GLOBAL_KEY_ROLES)[number];

  @ApiPropertyOptional({ example: 'prod-eu-1', description: 'Required with role `cluster` (an existing cluster), refused otherwise' })
  @ValidateIf((dto: CreateAdminApiKeyDto) => dto.role === 'cluster' || dto.cluster !== undefined)
  @IsDnsLabel()
  cluster?: string;
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: [...TENANT_KEY_ROLES, ...GLOBAL_KEY_ROLES] }) role: string;
  @ApiPropertyOptional({ nullable: true, type: String }) tenant: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'For role `cluster`: the cluster it reads inputs for' }) cluster: string | null;
  @ApiProperty({ description: 'The credential that created the key' }) createdBy: string;
  @ApiProperty({ description: 'The person the key acts for (four eyes): its creator, or `system:bootstrap`', example: 'user:alice' })
  accountable: string;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastUsedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt: Date | null;

  static from(row: ApiKey, tenant: string | null): ApiKeyResponse {
    return {
      id: row.id,
      name: row.name,
      role: row.role,
      tenant,
      cluster: row.clusterName ?? null,
      createdBy: row.createdBy,
      accountable: row.accountable,
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt,
      revokedAt: row.revokedAt,
    };
  }
}

export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'The secret. Shown once: Berth stores only its hash.', example: 'berth_AbC…' })
  key: string;
}

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyResponse] }) items: ApiKeyResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
