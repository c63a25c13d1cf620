import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { QuotaTier } from '@prisma/client';
import { LimitRangeDto } from './create-quota-tier.dto';

export class QuotaTierResponse {
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) resources: Record<string, string>;
  @ApiPropertyOptional({ type: LimitRangeDto, nullable: true }) limitRange: LimitRangeDto | null;
  @ApiProperty() autoApprove: boolean;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(row: QuotaTier): QuotaTierResponse {
    return {
      name: row.name,
      displayName: row.displayName,
      resources: row.resources as Record<string, string>,
      limitRange: (row.limitRange as LimitRangeDto | null) ?? null,
      autoApprove: row.autoApprove,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

export class QuotaTierPage {
  @ApiProperty({ type: [QuotaTierResponse] }) items: QuotaTierResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
