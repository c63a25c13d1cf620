import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiCommonErrors } from '@berth/common';
import { Authenticated, Caller, CurrentCaller } from '@berth/authz';

class MyTenant {
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['viewer', 'developer', 'owner'] }) role: string;
}

export class MeResponse {
  @ApiProperty({ enum: ['user', 'apiKey'] }) kind: string;
  @ApiProperty({ description: 'OIDC subject or API key id' }) id: string;
  @ApiProperty({ example: 'user:alice' }) actor: string;
  @ApiProperty({ example: 'user:alice', description: 'The person this credential acts for (an API key: its creator)' }) accountable: string;
  @ApiPropertyOptional() email?: string;
  @ApiProperty({ type: [String] }) groups: string[];
  @ApiProperty({ enum: ['admin', 'user'] }) platformRole: 'admin' | 'user';
  @ApiProperty({ type: [MyTenant] }) tenants: MyTenant[];
}

function describe({ principal }: Caller): MeResponse {
  return {
    kind: principal.kind,
    id: principal.id,
    actor: principal.actor,
    accountable: principal.accountable,
    email: principal.email,
    groups: principal.groups,
    platformRole: principal.isAdmin ? 'admin' : 'user',
    tenants: principal.memberships.map((m) => ({ name: m.tenantName, role: m.role })),
  };
}

@ApiTags('me')
@ApiCommonErrors()
@Controller('me')
export class MeController {
  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Who the caller is: identity, platform role, tenants and roles' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentCaller() caller: Caller): MeResponse {
    return describe(caller);
  }
}
