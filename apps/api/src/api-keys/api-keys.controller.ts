import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { PageQueryDto } from '@berth/common';
import { IdParam, TenantIdParam, TenantParam } from '../common/name.param';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyPage, CreateAdminApiKeyDto, CreatedApiKeyResponse, CreateTenantApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@Controller('tenants/:tenant/api-keys')
export class TenantApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Allow('read', 'ApiKey')
  @ApiOkResponse({ type: ApiKeyPage })
  list(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: PageQueryDto) {
    return this.keys.listForTenant(caller, tenant, query);
  }

  @Post()
  @Allow('create', 'ApiKey')
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  create(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Body() dto: CreateTenantApiKeyDto) {
    return this.keys.createForTenant(caller, tenant, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('delete', 'ApiKey')
  revoke(@CurrentCaller() caller: Caller, @Param() { tenant, id }: TenantIdParam): Promise<void> {
    return this.keys.revokeForTenant(caller, tenant, id);
  }
}

/** Global (platform admin) keys. Only admins reach these routes: `manage all` is the only rule granting it. */
@ApiTags('api-keys')
@Controller('api-keys')
export class AdminApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Allow('manage', 'all')
  @ApiOkResponse({ type: ApiKeyPage })
  list(@Query() query: PageQueryDto) {
    return this.keys.listAdmin(query);
  }

  @Post()
  @Allow('manage', 'all')
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateAdminApiKeyDto) {
    return this.keys.createAdmin(caller, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('manage', 'all')
  revoke(@CurrentCaller() caller: Caller, @Param() { id }: IdParam): Promise<void> {
    return this.keys.revokeAdmin(caller, id);
  }
}
