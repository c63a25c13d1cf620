import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { PageQueryDto } from '@berth/common';
import { TenantIdParam, TenantParam } from '../common/name.param';
import { CreateMemberDto, MemberPage, MemberResponse } from './dto/create-member.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@Controller('tenants/:tenant/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Allow('read', 'Membership')
  @ApiOkResponse({ type: MemberPage })
  list(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: PageQueryDto) {
    return this.members.list(caller, tenant, query);
  }

  @Post()
  @Allow('create', 'Membership')
  add(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Body() dto: CreateMemberDto): Promise<MemberResponse> {
    return this.members.add(caller, tenant, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('delete', 'Membership')
  remove(@CurrentCaller() caller: Caller, @Param() { tenant, id }: TenantIdParam): Promise<void> {
    return this.members.remove(caller, tenant, id);
  }
}
