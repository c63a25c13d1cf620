import { Body, Controller, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyErrors, ApiCommonErrors, ApiErrors } from '@berth/common';
import { Public } from '@berth/authz';
import { FluxEventAccepted, FluxEventDto, FluxEventQueryDto } from './dto/flux-event.dto';
import { FluxEventsService } from './flux-events.service';
import { RawBody } from './raw-body.decorator';

@ApiTags('flux')
@ApiCommonErrors()
@Controller('flux')
export class FluxEventsController {
  constructor(private readonly events: FluxEventsService) {}

  /** Flux notification-controller `generic-hmac` Provider: address `https://berth…/v1/flux/events?cluster=<name>`. */
  @Post('events')
  @Public() // authenticated by the HMAC signature of the body, not by a bearer token
  @HttpCode(202)
  @ApiHeader({ name: 'X-Signature', required: true, description: 'sha256=<hex HMAC-SHA256 of the raw body with the cluster secret>' })
  // The body is validated by the service after the signature check (Flux's extra fields are allowed), so it
  // is typed `unknown` here: the global ValidationPipe leaves it alone.
  @ApiBody({ type: FluxEventDto })
  @ApiOperation({ summary: 'Flux notification-controller events (generic-hmac provider)', security: [] })
  @ApiAcceptedResponse({ type: FluxEventAccepted })
  @ApiErrors(401, 409)
  @ApiBodyErrors()
  receive(
    @Query() { cluster }: FluxEventQueryDto,
    @Headers('x-signature') signature: string | undefined,
    @RawBody() raw: Buffer | undefined,
    @Body() body: unknown,
  ) {
    return this.events.receive(cluster, signature, raw, body);
  }
}
