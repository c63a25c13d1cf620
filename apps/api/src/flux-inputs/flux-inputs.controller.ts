import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { FluxInputsQueryDto, FluxInputsResponse } from './dto/flux-inputs.dto';
import { FluxInputsService } from './flux-inputs.service';
import { Reply, send } from '../common/send';

@ApiTags('flux')
@Controller('flux')
export class FluxInputsController {
  constructor(private readonly inputs: FluxInputsService) {}

  @Get('inputs')
  @Allow('sync', 'Cluster')
  @ApiOkResponse({ type: FluxInputsResponse, description: 'ResourceSetInputProvider `ExternalService` answer: one input per namespace of the cluster' })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or a cluster key of another cluster' })
  @ApiUnprocessableEntityResponse({ description: '`inputs.too-large`: the complete answer would not fit one page; use shards or limit/cursor' })
  async list(@CurrentCaller() caller: Caller, @Query() query: FluxInputsQueryDto, @Res() reply: Reply) {
    send(reply, await this.inputs.list(caller, query));
  }
}
