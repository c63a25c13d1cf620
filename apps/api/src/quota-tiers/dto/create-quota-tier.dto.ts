import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsDnsLabel, IsOptionalNonNull, IsPlainText, IsQuantityMap, RequestSchema } from '@berth/common';

const QUANTITIES = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** Container defaults written into each namespace's LimitRange. */
@RequestSchema()
export class LimitRangeDto {
  @ApiPropertyOptional({ ...QUANTITIES, example: { cpu: '500m', memory: '512Mi' } })
  @IsOptional()
  @IsQuantityMap()
  default?: Record<string, string>;

  @ApiPropertyOptional({ ...QUANTITIES, example: { cpu: '100m', memory: '128Mi' } })
  @IsOptional()
  @IsQuantityMap()
  defaultRequest?: Record<string, string>;

  @ApiPropertyOptional(QUANTITIES)
  @IsOptional()
  @IsQuantityMap()
  max?: Record<string, string>;

  @ApiPropertyOptional(QUANTITIES)
  @IsOptional()
  @IsQuantityMap()
  min?: Record<string, string>;
}

@RequestSchema()
export class CreateQuotaTierDto {
  @ApiProperty({ example: 'small' })
  @IsDnsLabel()
  name: string;

  @ApiPropertyOptional({ example: 'Small (2 CPU, 8Gi)' })
  @IsOptional()
  @IsString()
  @IsPlainText()
  @MaxLength(100)
  displayName?: string;

  @ApiProperty({ ...QUANTITIES, example: { 'requests.cpu': '2', 'limits.memory': '8Gi', pods: '50' } })
  @IsQuantityMap()
  resources: Record<string, string>;

  @ApiPropertyOptional({ type: LimitRangeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LimitRangeDto)
  limitRange?: LimitRangeDto;

  @ApiPropertyOptional({ description: 'Requests within this tier are approved without a platform admin (default true)' })
  @IsOptionalNonNull()
  @IsBoolean()
  autoApprove?: boolean;
}

@RequestSchema()
export class UpdateQuotaTierDto extends PartialType(OmitType(CreateQuotaTierDto, ['name'] as const), { skipNullProperties: false }) {}
