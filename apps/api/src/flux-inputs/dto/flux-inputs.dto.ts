import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsDnsLabel } from '@berth/common';

export const MAX_SHARDS = 256;

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

/** One namespace as a ResourceSet input (ResourceSetInputProvider `ExternalService` format). */
export class FluxInput {
  @ApiProperty({ format: 'uuid', description: "Stable: the namespace id, unchanged for the namespace's life" }) id: string;
  @ApiProperty() tenant: string;
  @ApiProperty() name: string;
  @ApiProperty() cluster: string;
  @ApiPropertyOptional({ nullable: true, type: String }) tier: string | null;
  @ApiProperty({ ...STRING_MAP, description: 'ResourceQuota hard limits' }) resources: Record<string, string>;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true, description: 'LimitRange (default, defaultRequest, max, min)' })
  limitRange: Record<string, unknown> | null;
  @ApiProperty(STRING_MAP) labels: Record<string, string>;
  @ApiProperty(STRING_MAP) annotations: Record<string, string>;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: '[{subject:{kind,name},role}] → RoleBindings' }) access: Array<{
    subject: { kind: string; name: string };
    role: string;
  }>;
  @ApiProperty({ enum: ['isolated', 'tenant', 'open'] }) networkPolicy: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) expiresAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: FluxPreviewInput, description: 'Set for pull-request previews' }) preview: FluxPreviewInput | null;
}

export class FluxInputsResponse {
  @ApiProperty({ type: [FluxInput] }) inputs: FluxInput[];
  @ApiProperty({ nullable: true, type: String, description: 'Next page (also in a `Link: <…>; rel="next"` header); null on the last page' })
  nextCursor: string | null;
}
