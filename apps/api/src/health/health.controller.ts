import { Controller, Get, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@berth/authz';
import { PrismaService } from '@berth/prisma';

@Injectable()
export class HealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async databaseReachable(): Promise<boolean> {
    try {
      await this.prisma.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers). The fleet remote is
 * deliberately not a readiness dependency: while it is down, requests are still decided and stored, and the
 * writer's degraded state is shown by GET /v1/fleet/status (taking every replica out of a load balancer would
 * turn a Git outage into an API outage).
 */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthRepository) {}

  @Get('healthz')
  @Public()
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Public()
  async readyz() {
    if (!(await this.health.databaseReachable())) throw new ServiceUnavailableException('database unreachable');
    return { status: 'ready' };
  }
}
