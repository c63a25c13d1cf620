import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';
import type { AuditEvent } from '@prisma/client';
import { IsDnsLabel, PageQueryDto, RequestSchema } from '@berth/common';

@RequestSchema()
export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Tenant name', minLength: 2, maxLength: 30 })
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
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The fields the action changed, as they were (their names depend on `action`); null when it created something',
  })
  before: Record<string, unknown> | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The fields the action wrote (their names depend on `action`); null when it deleted something',
  })
  after: Record<string, unknown> | null;
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
      before: row.before as Record<string, unknown> | null,
      after: row.after as Record<string, unknown> | null,
      requestId: row.requestId,
    };
  }
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] }) items: AuditEventResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
