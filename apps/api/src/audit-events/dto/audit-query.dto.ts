import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';
import type { AuditEvent } from '@prisma/client';
import { IsDnsLabel, PageQueryDto } from '@berth/common';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Tenant name' })
  @IsOptional()
  @IsDnsLabel(30, 2)
  tenant?: string;

  @ApiPropertyOptional({ description: 'Events at or after this time (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Events before this time (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  until?: string;
}

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() at: Date;
  @ApiProperty({ example: 'user:alice' }) actor: string;
  @ApiProperty({ example: 'tenant.update' }) action: string;
  @ApiProperty() targetType: string;
  @ApiProperty() targetId: string;
  @ApiPropertyOptional({ nullable: true, type: String }) tenant: string | null;
  @ApiPropertyOptional({ nullable: true }) before: unknown;
  @ApiPropertyOptional({ nullable: true }) after: unknown;
  @ApiPropertyOptional({ nullable: true, type: String }) requestId: string | null;

  static from(row: AuditEvent & { tenantName?: string | null }): AuditEventResponse {
    return {
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      tenant: row.tenantName ?? null,
      before: row.before,
      after: row.after,
      requestId: row.requestId,
    };
  }
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] }) items: AuditEventResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
