import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, PageQueryDto } from '@berth/common';
import { TenantParam } from '../common/name.param';
import { CreatePreviewDto, PreviewParam } from './dto/create-preview.dto';
import { PreviewPage, PreviewResponse } from './dto/preview.response';
import { PreviewsService } from './previews.service';

@ApiTags('previews')
@ApiCommonErrors()
@Controller('tenants/:tenant/previews')
export class PreviewsController {
  constructor(private readonly previews: PreviewsService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Allow('create', 'Preview')
  @ApiOperation({ summary: 'Create or refresh the preview namespace of a pull request' })
  @ApiCreatedResponse({ type: PreviewResponse, description: 'A new preview: its Create request' })
  @ApiOkResponse({ type: PreviewResponse, description: 'An existing preview refreshed (TTL restarted, head commit recorded): its Change request' })
  @ApiErrors(404, 409, 422)
  @ApiBodyErrors()
  async upsert(
    @CurrentCaller() caller: Caller,
    @Param() { tenant }: TenantParam,
    @Body() dto: CreatePreviewDto,
    @Res({ passthrough: true }) reply: { status(code: number): unknown },
  ): Promise<PreviewResponse> {
    // The one status that depends on data: whether this pull request had a preview.
    const { created, preview } = await this.previews.upsert(caller, tenant, dto);
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return preview;
  }

  @Get()
  @Allow('read', 'Preview')
  @ApiOperation({ summary: "List a tenant's previews" })
  @ApiOkResponse({ type: PreviewPage })
  @ApiErrors(404)
  list(@CurrentCaller() caller: Caller, @Param() { tenant }: TenantParam, @Query() query: PageQueryDto) {
    return this.previews.list(caller, tenant, query);
  }

  @Delete(':pullRequest')
  @HttpCode(HttpStatus.ACCEPTED)
  @Allow('delete', 'Preview')
  @ApiOperation({ summary: 'Delete the preview of a pull request' })
  @ApiAcceptedResponse({ type: PreviewResponse, description: "The namespace's Delete request (the fleet writer removes it later); the preview is gone" })
  @ApiErrors(404, 409)
  remove(@CurrentCaller() caller: Caller, @Param() { tenant, pullRequest }: PreviewParam) {
    return this.previews.remove(caller, tenant, pullRequest);
  }
}
