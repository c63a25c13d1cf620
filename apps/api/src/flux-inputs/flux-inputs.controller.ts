import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCommonErrors, ApiErrors } from '@berth/common';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { FluxInputsQueryDto, FluxInputsResponse } from './dto/flux-inputs.dto';
import { FluxInputsService } from './flux-inputs.service';

@ApiTags('flux')
@ApiCommonErrors()
@Controller('flux')
export class FluxInputsController {
  constructor(private readonly inputs: FluxInputsService) {}

  @Get('inputs')
  @Allow('sync', 'Cluster')
  @ApiOperation({ summary: 'Flux ResourceSetInputProvider: one input per namespace of a cluster' })
  @ApiOkResponse({
    type: FluxInputsResponse,
    description: 'ResourceSetInputProvider `ExternalService` answer: one input per namespace of the cluster',
    headers: { Link: { description: 'The next page: `<…>; rel="next"`', schema: { type: 'string' } } },
  })
  @ApiErrors(404, 422)
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: FluxInputsQueryDto,
    @Res({ passthrough: true }) reply: { headers(values: Record<string, string>): unknown },
  ): Promise<FluxInputsResponse> {
    // The `Link` of the next page depends on the data.
    const { body, headers } = await this.inputs.list(caller, query);
    reply.headers(headers);
    return body;
  }
}
