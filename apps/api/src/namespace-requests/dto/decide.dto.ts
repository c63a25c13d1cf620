import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto, RequestSchema } from '@berth/common';

@RequestSchema()
export class ApproveDto {
  @ApiPropertyOptional({ example: 'Capacity confirmed with the cluster owners' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

@RequestSchema()
export class RejectDto {
  @ApiProperty({ description: 'Why the request is rejected (required)', example: 'Use the small tier; medium needs a capacity review' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  comment: string;
}

@RequestSchema()
export class CancelDto {
  @ApiPropertyOptional({ example: 'Not needed any more' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export const REQUEST_STATES = ['PendingApproval', 'Approved', 'Rejected', 'Cancelled', 'Committed', 'Failed'] as const;

export class RequestListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATES })
  @IsOptional()
  @IsIn(REQUEST_STATES)
  state?: (typeof REQUEST_STATES)[number];
}

/** `?dryRun=true|false` as a boolean (anything else is a 400 naming `dryRun`). */
export const parseDryRun = ({ obj }: { obj: Record<string, unknown> }): unknown => (obj.dryRun === 'true' ? true : obj.dryRun === 'false' ? false : obj.dryRun);

export class DryRunQueryDto {
  // On the wire a query string, `true` or `false` (as clients send it); parsed into a boolean for the service.
  @ApiPropertyOptional({ type: String, description: 'true: evaluate policy and answer the decision (200); store nothing' })
  @IsOptional()
  @Transform(parseDryRun)
  @IsBoolean()
  dryRun?: boolean;
}
