import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { RequestSchema } from '@berth/common';

/** An OIDC user (`sub`) or group: who a role or a RoleBinding is for. */
@RequestSchema()
export class SubjectDto {
  @ApiProperty({ enum: ['User', 'Group'] })
  @IsIn(['User', 'Group'])
  kind: 'User' | 'Group';

  @ApiProperty({ example: 'team-payments' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  @Matches(/^[^\p{Cc}\p{Cf}\s][^\p{Cc}\p{Cf}]*$/u, { message: 'name must not start with a space or contain control characters' })
  name: string;
}
