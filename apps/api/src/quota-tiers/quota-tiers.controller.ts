import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { PageQueryDto, versionFromIfMatch } from '@berth/common';
import { NameParam } from '../common/name.param';
import { QuotaTiersService } from './quota-tiers.service';
import { QuotaTierPage, QuotaTierResponse } from './dto/quota-tier.response';
import { CreateQuotaTierDto, UpdateQuotaTierDto } from './dto/create-quota-tier.dto';

@ApiTags('quota-tiers')
@Controller('quota-tiers')
export class QuotaTiersController {
  constructor(private readonly tiers: QuotaTiersService) {}

  @Get()
  @Allow('read', 'QuotaTier')
  @ApiOkResponse({ type: QuotaTierPage })
  list(@Query() query: PageQueryDto) {
    return this.tiers.list(query);
  }

  @Get(':name')
  @Allow('read', 'QuotaTier')
  @ApiOkResponse({ type: QuotaTierResponse })
  get(@Param() { name }: NameParam) {
    return this.tiers.get(name);
  }

  @Post()
  @Allow('create', 'QuotaTier')
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateQuotaTierDto): Promise<QuotaTierResponse> {
    return this.tiers.create(caller, dto);
  }

  @Patch(':name')
  @Allow('update', 'QuotaTier')
  update(
    @CurrentCaller() caller: Caller,
    @Param() { name }: NameParam,
    @Body() dto: UpdateQuotaTierDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<QuotaTierResponse> {
    return this.tiers.update(caller, name, dto, versionFromIfMatch(ifMatch));
  }

  @Delete(':name')
  @HttpCode(204)
  @Allow('delete', 'QuotaTier')
  remove(@CurrentCaller() caller: Caller, @Param() { name }: NameParam, @Headers('if-match') ifMatch?: string): Promise<void> {
    return this.tiers.remove(caller, name, versionFromIfMatch(ifMatch));
  }
}
