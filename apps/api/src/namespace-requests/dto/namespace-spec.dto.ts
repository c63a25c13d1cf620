import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsDnsLabel, IsQuantityMap, IsStringMap, RequestSchema } from '@berth/common';
import { LimitRangeDto } from '../../quota-tiers/dto/create-quota-tier.dto';
import { SubjectDto } from '../../tenants/dto/subject.dto';

export const NETWORK_POLICIES = ['isolated', 'tenant', 'open'] as const;
export type NetworkPolicyProfile = (typeof NETWORK_POLICIES)[number];

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

@RequestSchema()
export class AccessEntryDto {
  @ApiProperty({ type: SubjectDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SubjectDto)
  subject: SubjectDto;

  @ApiProperty({ example: 'edit', description: 'A ClusterRole from the allow-list (view, edit, admin by default)' })
  @IsString()
  @MaxLength(253)
  role: string;
}

/** The parts of a namespace's desired state a team can ask for (and later change). */
export class NamespaceChangeDto {
  @ApiPropertyOptional({ example: 'small', description: 'A quota tier the tenant may use; or give `resources`' })
  @IsOptional()
  @IsDnsLabel()
  tier?: string;

  // No example: the documented example asks for a tier, and a tier excludes resources.
  @ApiPropertyOptional({ ...STRING_MAP, description: 'Explicit ResourceQuota instead of a tier, e.g. `{"requests.cpu": "1", "limits.memory": "4Gi"}`' })
  @IsOptional()
  @IsQuantityMap()
  resources?: Record<string, string>;

  @ApiPropertyOptional({ type: LimitRangeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LimitRangeDto)
  limitRange?: LimitRangeDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', maxLength: 1024 }, maxProperties: 64, example: { team: 'payments' } })
  @IsOptional()
  @IsStringMap(64, 1024)
  labels?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', maxLength: 65536 }, maxProperties: 128 })
  @IsOptional()
  @IsStringMap()
  annotations?: Record<string, string>;

  @ApiPropertyOptional({ type: [AccessEntryDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AccessEntryDto)
  access?: AccessEntryDto[];

  @ApiPropertyOptional({ enum: NETWORK_POLICIES, description: 'Default `isolated`' })
  @IsOptional()
  @IsIn(NETWORK_POLICIES)
  networkPolicy?: NetworkPolicyProfile;

  @ApiPropertyOptional({ example: '72h', description: 'Ephemeral namespace: deleted this long after approval (e.g. 72h, 7d)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  ttl?: string;

  @ApiPropertyOptional({ description: "Owners only: deleting a protected namespace needs a platform admin's approval" })
  @IsOptional()
  @IsBoolean()
  protected?: boolean;
}

@RequestSchema()
export class CreateNamespaceRequestDto extends NamespaceChangeDto {
  @ApiProperty({ example: 'payments-api', description: 'Namespace name: a DNS label starting with `<tenant>-`' })
  @IsString()
  @MaxLength(253)
  name: string;

  @ApiProperty({ example: 'prod-eu-1' })
  @IsDnsLabel()
  cluster: string;

  @ApiPropertyOptional({ description: 'Why this namespace is needed (shown to approvers)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

@RequestSchema()
export class ChangeNamespaceDto extends NamespaceChangeDto {
  @ApiPropertyOptional({ description: 'Why this change is needed (shown to approvers)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
