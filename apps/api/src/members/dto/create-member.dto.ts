import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import type { Membership } from '@prisma/client';
import { SubjectDto } from '../../tenants/dto/subject.dto';
import { RequestSchema } from '@berth/common';

export const TENANT_ROLES = ['viewer', 'developer', 'owner'] as const;

@RequestSchema()
export class CreateMemberDto {
  @ApiProperty({ type: SubjectDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SubjectDto)
  subject: SubjectDto;

  @ApiProperty({ enum: TENANT_ROLES })
  @IsIn(TENANT_ROLES)
  role: (typeof TENANT_ROLES)[number];
}

export class MemberResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: SubjectDto }) subject: SubjectDto;
  @ApiProperty({ enum: TENANT_ROLES }) role: string;
  @ApiProperty() createdAt: Date;

  static from(row: Membership): MemberResponse {
    return { id: row.id, subject: { kind: row.subjectKind, name: row.subjectName }, role: row.role, createdAt: row.createdAt };
  }
}

export class MemberPage {
  @ApiProperty({ type: [MemberResponse] }) items: MemberResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
