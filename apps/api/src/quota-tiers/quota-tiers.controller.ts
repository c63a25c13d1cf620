import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, ETAG_HEADER, PageQueryDto, versionFromIfMatch } from '@berth/common';
import { NameParam } from '../common/name.param';
import { QuotaTiersService } from './quota-tiers.service';
import { QuotaTierPage, QuotaTierResponse } from './dto/quota-tier.response';
import { CreateQuotaTierDto, UpdateQuotaTierDto } from './dto/create-quota-tier.dto';

@ApiTags('quota-tiers')
@ApiCommonErrors()
@Controller('quota-tiers')
export class QuotaTiersController {
  constructor(private readonly tiers: QuotaTiersService) {}

  @Get()
  @Allow('read', 'QuotaTier')
  @ApiOperation({ summary: 'List quota tiers' })
  @ApiOkResponse({ type: QuotaTierPage })
  list(@Query() query: PageQueryDto) {
    return this.tiers.list(query);
  }

  @Get(':name')
  @Allow('read', 'QuotaTier')
  @ApiOperation({ summary: 'Get a quota tier' })
  @ApiOkResponse({ type: QuotaTierResponse, headers: ETAG_HEADER })
  @ApiErrors(404)
  get(@Param() { name }: NameParam) {
    return this.tiers.get(name);
  }

  @Post()
  @Allow('create', 'QuotaTier')
  @ApiOperation({ summary: 'Create a quota tier' })
  @ApiCreatedResponse({ type: QuotaTierResponse, headers: ETAG_HEADER })
  @ApiErrors(409, 422)
  @ApiBodyErrors()
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateQuotaTierDto): Promise<QuotaTierResponse> {
    return this.tiers.create(caller, dto);
  }

  @Patch(':name')
  @Allow('update', 'QuotaTier')
  @ApiOperation({ summary: 'Update a quota tier (If-Match: write only if unchanged)' })
  @ApiOkResponse({ type: QuotaTierResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409, 412, 422)
  @ApiBodyErrors()
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
  @ApiOperation({ summary: 'Delete a quota tier no namespace or request uses' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, 409, 412)
  remove(@CurrentCaller() caller: Caller, @Param() { name }: NameParam, @Headers('if-match') ifMatch?: string): Promise<void> {
    return this.tiers.remove(caller, name, versionFromIfMatch(ifMatch));
  }
}
