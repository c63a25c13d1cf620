import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Allow } from '@berth/authz';
import { FleetWriter } from '@berth/gitops/writer';

/** The fleet repository as Berth sees it: queue, last push and error, drift, reconcile (platform admins). */
@ApiTags('fleet')
@Controller('fleet')
export class FleetController {
  constructor(private readonly writer: FleetWriter) {}

  @Get('status')
  @Allow('manage', 'all')
  @ApiOkResponse({
    description:
      'pendingRequests (approved, not yet committed), queuedJobs, lastPush, lastError, and `writer`: state ok|degraded, ' +
      'consecutiveFailures, degradedSince, nextAttemptAt, lastError, lastPushAt (shared by every writer replica)',
  })
  status() {
    return this.writer.status();
  }

  @Get('drift')
  @Allow('manage', 'all')
  @ApiOkResponse({
    description:
      'Paths Berth owns that differ from what it would render: changed, missing, unexpected; collisions: files two owners would render (never written)',
  })
  drift() {
    return this.writer.drift();
  }

  @Post('reconcile')
  @HttpCode(200)
  @Allow('manage', 'all')
  @ApiOkResponse({ description: 'Rewrites every path Berth owns in one commit; `sha` is null when nothing drifted' })
  async reconcile() {
    return { sha: await this.writer.reconcile() };
  }
}
