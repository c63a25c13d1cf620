import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@berth/authz';
import { ConsoleConfig, ConsoleService } from './console.service';
import { sendConsoleFile } from './console-static';

/**
 * The web console (apps/console, built into dist/console) at /console, on the API's own origin: no CORS, and the
 * console's strict Content-Security-Policy is set for these routes (common/http-security.ts). Public: the files hold
 * no data; every call the console makes goes through the API's guards with the signed-in credential.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(private readonly consoles: ConsoleService) {}

  @Get('config.json')
  @Public()
  config(): ConsoleConfig {
    return this.consoles.settings();
  }

  @Get()
  @Public()
  index(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return sendConsoleFile(reply, this.consoles.file(request.url));
  }

  @Get('*')
  @Public()
  file(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return sendConsoleFile(reply, this.consoles.file(request.url));
  }
}
