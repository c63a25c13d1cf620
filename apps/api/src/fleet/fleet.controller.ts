import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCommonErrors, ApiErrors } from '@berth/common';
import { Allow } from '@berth/authz';
import { FleetWriter } from '@berth/fleet';
import { FleetDriftResponse, FleetStatusResponse, ReconcileResponse } from './dto/fleet.response';

/** The fleet repository as Berth sees it: queue, last push and error, drift, reconcile (platform admins). */
@ApiTags('fleet')
@ApiCommonErrors()
@Controller('fleet')
export class FleetController {
  constructor(private readonly writer: FleetWriter) {}

  @Get('status')
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'Fleet writer status: queue, last push and error' })
  @ApiOkResponse({ type: FleetStatusResponse, description: 'Shared by every writer replica (the database holds it)' })
  status() {
    return this.writer.status();
  }

  @Get('drift')
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'Drift between the fleet repository and what Berth would render' })
  @ApiOkResponse({
    type: FleetDriftResponse,
    description:
      'Paths Berth owns that differ from what it would render: changed, missing, unexpected; collisions: files two owners would render (never written)',
  })
  drift() {
    return this.writer.drift();
  }

  @Post('reconcile')
  @HttpCode(200)
  @Allow('manage', 'all')
  @ApiOperation({ summary: 'Rewrite every path Berth owns in one commit' })
  @ApiOkResponse({ type: ReconcileResponse, description: '`sha` is null when nothing drifted' })
  @ApiErrors(409) // fleet-ownership-collision: two owners would render one path; nothing is written
  async reconcile() {
    return { sha: await this.writer.reconcile() };
  }
}
