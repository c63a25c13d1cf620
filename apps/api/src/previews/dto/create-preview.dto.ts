import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsDnsLabel, RequestSchema } from '@berth/common';

/** `org/repo` (GitLab subgroups too: `group/sub/repo`) or an http(s)/ssh URL of the repository. */
const REPOSITORY = /^(?:[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+|(?:https?|ssh):\/\/(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9_.~%-]+)+\/?)$/;
const MAX_PULL_REQUEST = 2_147_483_647;

@RequestSchema()
export class CreatePreviewDto {
  @ApiProperty({ example: 'acme/payments-api', description: '`org/repo` or the repository URL (at most 200 characters)' })
  @IsString()
  @MaxLength(200)
  @Matches(REPOSITORY, { message: 'repository must be `org/repo` or an http(s):// or ssh:// repository URL' })
  repository: string;

  @ApiProperty({ example: 42, minimum: 1, description: 'Pull (merge) request number' })
  @IsInt()
  @Min(1)
  @Max(MAX_PULL_REQUEST)
  pullRequest: number;

  @ApiProperty({ example: '3f2c9e1', description: 'Head commit of the pull request: 7-64 hex digits' })
  @IsString()
  @Matches(/^[0-9a-fA-F]{7,64}$/, { message: 'headSha must be 7-64 hexadecimal digits' })
  headSha: string;

  @ApiPropertyOptional({ example: 'small', description: "Quota tier; default: the tenant's previewTier, else its only allowed tier" })
  @IsOptional()
  @IsDnsLabel()
  tier?: string;

  @ApiPropertyOptional({
    example: 'preview-eu-1',
    description: "Cluster (first call only); default: the tenant's previewCluster, else its only allowed cluster",
  })
  @IsOptional()
  @IsDnsLabel()
  cluster?: string;
}

@RequestSchema()
export class PreviewParam {
  @ApiProperty({ example: 'payments', minLength: 2, maxLength: 30 })
  @IsDnsLabel(30, 2)
  tenant: string;

  @ApiProperty({ example: 42 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PULL_REQUEST)
  pullRequest: number;
}
