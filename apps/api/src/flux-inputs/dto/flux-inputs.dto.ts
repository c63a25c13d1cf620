import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsDnsLabel, RequestSchema } from '@berth/common';
import { AccessEntryDto } from '../../namespace-requests/dto/namespace-spec.dto';

export const MAX_SHARDS = 256;

@RequestSchema()
export class FluxInputsQueryDto {
  @ApiProperty({ example: 'prod-eu-1', description: 'The cluster whose namespaces are wanted' })
  @IsDnsLabel()
  cluster: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 5000,
    description: 'Page size (API clients). Without limit and cursor the answer is complete or a 422 (the mode for Flux)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SHARDS, description: 'Split the cluster into this many stable shards (one ResourceSetInputProvider each)' })
  @ValidateIf((q: FluxInputsQueryDto) => q.shards !== undefined || q.shard !== undefined)
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SHARDS)
  shards?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Which shard (0 … shards-1): inputs whose id falls into it' })
  @ValidateIf((q: FluxInputsQueryDto) => q.shards !== undefined || q.shard !== undefined)
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SHARDS - 1)
  shard?: number;
}

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

export class FluxPreviewInput {
  @ApiProperty({ example: 'acme/payments-api' }) repository: string;
  @ApiProperty({ example: 42 }) pullRequest: number;
  @ApiProperty({ example: '3f2c9e1' }) headSha: string;
}

/**
 * One ResourceSet input (ResourceSetInputProvider `ExternalService` format): a namespace, or a tenant's onboarding
 * on the cluster. `objects` are the Kubernetes objects push mode writes to the fleet repository for it; the
 * namespace fields are kept for templates written against them.
 */
export class FluxInput {
  @ApiProperty({ format: 'uuid', description: "Stable: the namespace's id (kind namespace) or the tenant's (kind onboarding)" }) id: string;
  @ApiProperty({ enum: ['namespace', 'onboarding'] }) kind: 'namespace' | 'onboarding';
  @ApiProperty() tenant: string;
  @ApiProperty() cluster: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The objects to apply (keys sorted): print each with `toYaml` in the ResourceSet template',
  })
  objects: Array<Record<string, unknown>>;
  @ApiPropertyOptional({ description: 'kind namespace only' }) name?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'kind namespace only' }) tier?: string | null;
  @ApiPropertyOptional({ ...STRING_MAP, description: 'kind namespace only: ResourceQuota hard limits' }) resources?: Record<string, string>;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'kind namespace only: LimitRange (default, defaultRequest, max, min)',
  })
  limitRange?: Record<string, unknown> | null;
  @ApiPropertyOptional({ ...STRING_MAP, description: 'kind namespace only' }) labels?: Record<string, string>;
  @ApiPropertyOptional({ ...STRING_MAP, description: 'kind namespace only' }) annotations?: Record<string, string>;
  @ApiPropertyOptional({ type: [AccessEntryDto], description: 'kind namespace only: [{subject:{kind,name},role}]' }) access?: Array<{
    subject: { kind: string; name: string };
    role: string;
  }>;
  @ApiPropertyOptional({ enum: ['isolated', 'tenant', 'open'], description: 'kind namespace only' }) networkPolicy?: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'kind namespace only' }) expiresAt?: string | null;
  @ApiPropertyOptional({ nullable: true, type: FluxPreviewInput, description: 'kind namespace only: set for pull-request previews' })
  preview?: FluxPreviewInput | null;
}

export class FluxInputsResponse {
  @ApiProperty({ type: [FluxInput] }) inputs: FluxInput[];
  @ApiProperty({ nullable: true, type: String, description: 'Next page (also in a `Link: <…>; rel="next"` header); null on the last page' })
  nextCursor: string | null;
}
