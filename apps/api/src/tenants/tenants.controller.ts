import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, ETAG_HEADER, PageQueryDto, versionFromIfMatch } from '@berth/common';
import { TenantParam } from '../common/name.param';
import { CreateTenantDto, UpdateTenantDto } from './dto/create-tenant.dto';
import { TenantPage, TenantResponse } from './dto/tenant.response';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@ApiCommonErrors()
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @Allow('read', 'Tenant')
  @ApiOperation({ summary: 'List the tenants the caller can see' })
  @ApiOkResponse({ type: TenantPage })
  list(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto) {
    return this.tenants.list(caller, query);
  }

  @Post()
  @Allow('create', 'Tenant')
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiCreatedResponse({ type: TenantResponse, headers: ETAG_HEADER })
  @ApiErrors(409, 422)
  @ApiBodyErrors()
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateTenantDto): Promise<TenantResponse> {
    return this.tenants.create(caller, dto);
  }

  @Get(':tenant')
  @Allow('read', 'Tenant')
  @ApiOperation({ summary: 'Get a tenant' })
  @ApiOkResponse({ type: TenantResponse, headers: ETAG_HEADER })
  @ApiErrors(404)
  get(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam) {
    return this.tenants.get(caller, tenant);
  }

  @Patch(':tenant')
  @Allow('update', 'Tenant')
  @ApiOperation({ summary: 'Update a tenant (If-Match: write only if unchanged)' })
  @ApiOkResponse({ type: TenantResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409, 412, 422)
  @ApiBodyErrors()
  update(
    @CurrentCaller() caller: Caller,
    @Param() { tenant }: TenantParam,
    @Body() dto: UpdateTenantDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<TenantResponse> {
    return this.tenants.update(caller, tenant, dto, versionFromIfMatch(ifMatch));
  }

  @Delete(':tenant')
  @HttpCode(204)
  @Allow('delete', 'Tenant')
  @ApiOperation({ summary: 'Delete a tenant without namespaces or open requests' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, 409, 412)
  remove(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Headers('if-match') ifMatch?: string): Promise<void> {
    return this.tenants.remove(caller, tenant, versionFromIfMatch(ifMatch));
  }
}
