import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { PageQueryDto, versionFromIfMatch } from '@berth/common';
import { NameParam } from '../common/name.param';
import { ClustersService } from './clusters.service';
import { ClusterPage, ClusterResponse } from './dto/cluster.response';
import { CreateClusterDto, UpdateClusterDto } from './dto/create-cluster.dto';

@ApiTags('clusters')
@Controller('clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Get()
  @Allow('read', 'Cluster')
  @ApiOkResponse({ type: ClusterPage })
  list(@Query() query: PageQueryDto) {
    return this.clusters.list(query);
  }

  @Get(':name')
  @Allow('read', 'Cluster')
  @ApiOkResponse({ type: ClusterResponse })
  get(@Param() { name }: NameParam) {
    return this.clusters.get(name);
  }

  @Post()
  @Allow('create', 'Cluster')
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateClusterDto): Promise<ClusterResponse> {
    return this.clusters.create(caller, dto);
  }

  @Patch(':name')
  @Allow('update', 'Cluster')
  update(
    @CurrentCaller() caller: Caller,
    @Param() { name }: NameParam,
    @Body() dto: UpdateClusterDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ClusterResponse> {
    return this.clusters.update(caller, name, dto, versionFromIfMatch(ifMatch));
  }

  @Delete(':name')
  @HttpCode(204)
  @Allow('delete', 'Cluster')
  remove(@CurrentCaller() caller: Caller, @Param() { name }: NameParam, @Headers('if-match') ifMatch?: string): Promise<void> {
    return this.clusters.remove(caller, name, versionFromIfMatch(ifMatch));
  }
}
