import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Caller, CurrentCaller } from '@berth/authz';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors, ETAG_HEADER, PageQueryDto, versionFromIfMatch } from '@berth/common';
import { NameParam } from '../common/name.param';
import { ClustersService } from './clusters.service';
import { ClusterPage, ClusterResponse } from './dto/cluster.response';
import { CreateClusterDto, UpdateClusterDto } from './dto/create-cluster.dto';

@ApiTags('clusters')
@ApiCommonErrors()
@Controller('clusters')
export class ClustersController {
  constructor(private readonly clusters: ClustersService) {}

  @Get()
  @Allow('read', 'Cluster')
  @ApiOperation({ summary: 'List clusters' })
  @ApiOkResponse({ type: ClusterPage })
  list(@Query() query: PageQueryDto) {
    return this.clusters.list(query);
  }

  @Get(':name')
  @Allow('read', 'Cluster')
  @ApiOperation({ summary: 'Get a cluster' })
  @ApiOkResponse({ type: ClusterResponse, headers: ETAG_HEADER })
  @ApiErrors(404)
  get(@Param() { name }: NameParam) {
    return this.clusters.get(name);
  }

  @Post()
  @Allow('create', 'Cluster')
  @ApiOperation({ summary: 'Register a cluster' })
  @ApiCreatedResponse({ type: ClusterResponse, headers: ETAG_HEADER })
  @ApiErrors(409, 422)
  @ApiBodyErrors()
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateClusterDto): Promise<ClusterResponse> {
    return this.clusters.create(caller, dto);
  }

  @Patch(':name')
  @Allow('update', 'Cluster')
  @ApiOperation({ summary: 'Update a cluster (If-Match: write only if unchanged)' })
  @ApiOkResponse({ type: ClusterResponse, headers: ETAG_HEADER })
  @ApiErrors(404, 409, 412, 422)
  @ApiBodyErrors()
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
  @ApiOperation({ summary: 'Delete a cluster without namespaces' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, 409, 412)
  remove(@CurrentCaller() caller: Caller, @Param() { name }: NameParam, @Headers('if-match') ifMatch?: string): Promise<void> {
    return this.clusters.remove(caller, name, versionFromIfMatch(ifMatch));
  }
}
