import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsDnsLabel, IsLabelMap, IsOptionalNonNull, IsPlainText, RequestSchema } from '@berth/common';

/** Relative POSIX path of lowercase segments; no segment may start with a dot, so no `..`. */
export const FLEET_PATH = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9._-]*){0,7}$/;

@RequestSchema()
export class CreateClusterDto {
  @ApiProperty({ example: 'prod-eu-1', description: 'DNS label, unique' })
  @IsDnsLabel()
  name: string;

  @ApiPropertyOptional({ example: 'Production EU 1' })
  @IsOptional()
  @IsString()
  @IsPlainText()
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { env: 'prod', region: 'eu-west-1' } })
  @IsOptionalNonNull()
  @IsLabelMap()
  labels?: Record<string, string>;

  @ApiPropertyOptional({ example: 'clusters/prod-eu-1', description: 'Folder of this cluster in the fleet repository (default clusters/<name>)' })
  @IsOptionalNonNull()
  @Matches(FLEET_PATH, { message: 'fleetPath must be a relative path of lowercase segments (no leading dots, at most 8 segments)' })
  @MaxLength(200)
  fleetPath?: string;

  @ApiPropertyOptional({ example: 'https://10.0.0.1:6443' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(500)
  apiServer?: string;

  @ApiPropertyOptional({ example: 'prod-eu-1', description: 'Name of the kubeconfig/secret Berth reads credentials from (never the credentials themselves)' })
  @IsOptional()
  @Matches(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
  @MaxLength(253)
  credentialsRef?: string;

  @ApiPropertyOptional({
    enum: ['push', 'pull'],
    default: 'push',
    description:
      "How the cluster receives Berth's objects: push (the fleet repository's berth-tenants Kustomization) or pull (Flux Operator polls GET /v1/flux/inputs). Decides what the status reader reads: the Kustomization, or the ResourceSets berth / berth-<i>",
  })
  @IsOptionalNonNull()
  @IsIn(['push', 'pull'])
  delivery?: 'push' | 'pull';

  @ApiPropertyOptional({
    default: 1,
    minimum: 1,
    maximum: 64,
    description: 'Pull mode: number of provider/ResourceSet pairs (?shards=N); 1 is the ResourceSet berth',
  })
  @IsOptionalNonNull()
  @IsInt()
  @Min(1)
  @Max(64)
  pullShards?: number;
}

@RequestSchema()
export class UpdateClusterDto extends PartialType(OmitType(CreateClusterDto, ['name'] as const), { skipNullProperties: false }) {}
