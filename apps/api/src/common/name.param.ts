import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsDnsLabel } from '@berth/common';

export class NameParam {
  @ApiProperty({ example: 'prod-eu-1' })
  @IsDnsLabel()
  name: string;
}

export class TenantParam {
  @ApiProperty({ example: 'payments' })
  @IsDnsLabel(30, 2)
  tenant: string;
}

export class TenantIdParam extends TenantParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id: string;
}

export class IdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id: string;
}
