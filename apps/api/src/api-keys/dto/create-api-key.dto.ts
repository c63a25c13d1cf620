import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import type { ApiKey } from '@prisma/client';
import { TENANT_ROLES } from '../../members/dto/create-member.dto';

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;

export class CreateTenantApiKeyDto {
  @ApiProperty({ example: 'backstage' })
  @Matches(KEY_NAME, { message: 'name must be 1-63 letters, digits, spaces, ".", "_" or "-"' })
  name: string;

  @ApiProperty({ enum: TENANT_ROLES })
  @IsIn(TENANT_ROLES)
  role: (typeof TENANT_ROLES)[number];
}

export class CreateAdminApiKeyDto {
  @ApiProperty({ example: 'platform-automation' })
  @Matches(KEY_NAME, { message: 'name must be 1-63 letters, digits, spaces, ".", "_" or "-"' })
  name: string;
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: [...TENANT_ROLES, 'admin'] }) role: string;
  @ApiPropertyOptional({ nullable: true, type: String }) tenant: string | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastUsedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt: Date | null;

  static from(row: ApiKey, tenant: string | null): ApiKeyResponse {
    return {
      id: row.id,
      name: row.name,
      role: row.role,
      tenant,
      createdBy: row.createdBy,
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
