import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, PageQueryDto } from '@berth/common';
import { IdParam, TenantIdParam, TenantParam } from '../common/name.param';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyPage, CreateAdminApiKeyDto, CreatedApiKeyResponse, CreateTenantApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('api-keys')
@ApiCommonErrors()
@Controller('tenants/:tenant/api-keys')
export class TenantApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Allow('read', 'ApiKey')
  @ApiOperation({ summary: "List a tenant's API keys" })
  @ApiOkResponse({ type: ApiKeyPage })
  @ApiErrors(404)
  list(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: PageQueryDto) {
    return this.keys.listForTenant(caller, tenant, query);
  }

  @Post()
  @Allow('create', 'ApiKey')
  @ApiOperation({ summary: 'Create a tenant API key (the secret is shown once)' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiErrors(404, 409, 422)
  @ApiBodyErrors()
  create(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Body() dto: CreateTenantApiKeyDto) {
    return this.keys.createForTenant(caller, tenant, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('delete', 'ApiKey')
  @ApiOperation({ summary: 'Revoke a tenant API key' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(404)
  revoke(@CurrentCaller() caller: Caller, @Param() { tenant, id }: TenantIdParam): Promise<void> {
    return this.keys.revokeForTenant(caller, tenant, id);
  }
}

/** Global (platform admin) keys. Only admins reach these routes: `manage all` is the only rule granting it. */
@ApiTags('api-keys')
@ApiCommonErrors()
@Controller('api-keys')
export class AdminApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'List platform-wide API keys' })
  @ApiOkResponse({ type: ApiKeyPage })
  list(@Query() query: PageQueryDto) {
    return this.keys.listAdmin(query);
  }

  @Post()
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'Create a platform-wide API key (the secret is shown once)' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiErrors(409, 422)
  @ApiBodyErrors()
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateAdminApiKeyDto) {
    return this.keys.createAdmin(caller, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'Revoke a platform-wide API key' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(404)
  revoke(@CurrentCaller() caller: Caller, @Param() { id }: IdParam): Promise<void> {
    return this.keys.revokeAdmin(caller, id);
  }
}
