import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsDnsLabel, IsLabelMap, IsOptionalNonNull, IsPlainText, RequestSchema } from '@berth/common';
import { IsBudget } from './is-budget';
import { IsSyncRepoPath, IsSyncRepoPathMap } from './is-sync-repo-path';
import { SubjectDto } from './subject.dto';

/** The team's own app repository: Flux reconciles it into the tenant's namespaces under the tenant's service account. */
@RequestSchema()
export class SyncRepoDto {
  @ApiProperty({ example: 'https://git.example.com/payments/deploy.git' })
  @IsString()
  @IsPlainText()
  @MaxLength(500)
  @Matches(/^(https?:\/\/|ssh:\/\/)\S+$/, { message: 'url must be an https:// or ssh:// repository URL' })
  url: string;

  @ApiProperty({ example: 'main' })
  @IsString()
  @MaxLength(200)
  @Matches(/^(?!\/|-|.*(\.\.|\/\/|@\{|\.lock$|\/$))[A-Za-z0-9._/-]+$/, { message: 'branch must be a valid git branch name' })
  branch: string;

  @ApiProperty({ example: './deploy/prod', description: "Folder of the repository to reconcile ('' or './' is the repository root)" })
  @IsString()
  @IsSyncRepoPath()
  path: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'prod-eu-1': './deploy/prod', 'staging-eu-1': './deploy/staging' },
    description: 'Per-cluster folder (cluster name → path), overriding `path` on that cluster',
  })
  @IsOptional()
  @IsSyncRepoPathMap()
  paths?: Record<string, string> | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'payments-deploy-key',
    description:
      "Name of a Secret in the tenant's home namespace (berth-tenant-<tenant>) with the repository credentials; the platform team creates it. Never the secret itself",
  })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  @Matches(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { message: 'secretRef must be the name of a Secret (a DNS-1123 subdomain)' })
  secretRef?: string | null;
}

@RequestSchema()
export class CreateTenantDto {
  @ApiProperty({ example: 'payments', minLength: 2, maxLength: 30, description: 'DNS label, 2-30 characters; namespaces are prefixed with it' })
  @IsDnsLabel(30, 2)
  name: string;

  @ApiPropertyOptional({ example: 'Payments team' })
  @IsOptional()
  @IsString()
  @IsPlainText()
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: { 'requests.cpu': '20', 'limits.memory': '64Gi', namespaces: 10 },
    description: "Caps summed over all the tenant's namespaces; `namespaces` caps their number",
  })
  @IsOptionalNonNull()
  @IsBudget()
  budget?: Record<string, string | number>;

  @ApiPropertyOptional({ type: [String], example: ['prod-eu-1', 'preview-eu-1'] })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsDnsLabel(63, 1, { each: true })
  allowedClusters?: string[];

  @ApiPropertyOptional({ type: [String], example: ['small', 'medium'] })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsDnsLabel(63, 1, { each: true })
  allowedTiers?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'cost-center': 'cc-1234' } })
  @IsOptionalNonNull()
  @IsLabelMap()
  labels?: Record<string, string>;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'small',
    description: 'Platform admins: default quota tier of pull-request previews (null clears)',
  })
  @IsOptional()
  @IsDnsLabel()
  previewTier?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'preview-eu-1',
    description: 'Platform admins: default cluster of pull-request previews (null clears)',
  })
  @IsOptional()
  @IsDnsLabel()
  previewCluster?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'Platform admins: how many previews may exist at once (default 5)' })
  @IsOptionalNonNull()
  @IsInt()
  @Min(0)
  @Max(1000)
  previewLimit?: number;

  @ApiPropertyOptional({ type: SyncRepoDto, nullable: true, description: "Owners and admins: the team's app repository (null removes it)" })
  @IsOptional()
  @ValidateNested()
  @Type(() => SyncRepoDto)
  syncRepo?: SyncRepoDto | null;

  @ApiPropertyOptional({ type: [SubjectDto], description: 'Initial owners (users or OIDC groups)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SubjectDto)
  owners?: SubjectDto[];
}

@RequestSchema()
export class UpdateTenantDto extends PartialType(OmitType(CreateTenantDto, ['name', 'owners'] as const), { skipNullProperties: false }) {}
