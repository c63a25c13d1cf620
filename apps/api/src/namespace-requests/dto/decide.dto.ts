import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '@berth/common';

export class ApproveDto {
  @ApiPropertyOptional({ example: 'Capacity confirmed with the cluster owners' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class RejectDto {
  @ApiProperty({ description: 'Why the request is rejected (required)', example: 'Use the small tier; medium needs a capacity review' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  comment: string;
}

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

export class DryRunQueryDto {
  @ApiPropertyOptional({ description: 'true: evaluate policy and answer the decision; store nothing' })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}
