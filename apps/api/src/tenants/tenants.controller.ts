import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { PageQueryDto, versionFromIfMatch } from '@berth/common';
import { TenantParam } from '../common/name.param';
import { CreateTenantDto, UpdateTenantDto } from './dto/create-tenant.dto';
import { TenantPage, TenantResponse } from './dto/tenant.response';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @Allow('read', 'Tenant')
  @ApiOkResponse({ type: TenantPage })
  list(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto) {
    return this.tenants.list(caller, query);
  }

  @Post()
  @Allow('create', 'Tenant')
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateTenantDto): Promise<TenantResponse> {
    return this.tenants.create(caller, dto);
  }

  @Get(':tenant')
  @Allow('read', 'Tenant')
  @ApiOkResponse({ type: TenantResponse })
  get(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam) {
    return this.tenants.get(caller, tenant);
  }

  @Patch(':tenant')
  @Allow('update', 'Tenant')
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
  remove(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Headers('if-match') ifMatch?: string): Promise<void> {
    return this.tenants.remove(caller, tenant, versionFromIfMatch(ifMatch));
  }
}
