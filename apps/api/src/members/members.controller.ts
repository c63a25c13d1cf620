import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, PageQueryDto } from '@berth/common';
import { TenantIdParam, TenantParam } from '../common/name.param';
import { CreateMemberDto, MemberPage, MemberResponse } from './dto/create-member.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@ApiCommonErrors()
@Controller('tenants/:tenant/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Allow('read', 'Membership')
  @ApiOperation({ summary: "List a tenant's members" })
  @ApiOkResponse({ type: MemberPage })
  @ApiErrors(404)
  list(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: PageQueryDto) {
    return this.members.list(caller, tenant, query);
  }

  @Post()
  @Allow('create', 'Membership')
  @ApiOperation({ summary: 'Add a member to a tenant' })
  @ApiCreatedResponse({ type: MemberResponse })
  @ApiErrors(404, 409, 422)
  @ApiBodyErrors()
  add(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Body() dto: CreateMemberDto): Promise<MemberResponse> {
    return this.members.add(caller, tenant, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('delete', 'Membership')
  @ApiOperation({ summary: 'Remove a member (a tenant keeps at least one owner)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(404, 409)
  remove(@CurrentCaller() caller: Caller, @Param() { tenant, id }: TenantIdParam): Promise<void> {
    return this.members.remove(caller, tenant, id);
  }
}
