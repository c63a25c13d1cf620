import { Body, Controller, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConflictResponse, ApiHeader, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '@berth/authz';
import { FluxEventAccepted, FluxEventDto, FluxEventQueryDto } from './dto/flux-event.dto';
import { FluxEventsService } from './flux-events.service';
import { RawBody } from './raw-body.decorator';

@ApiTags('flux')
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
  @ApiAcceptedResponse({ type: FluxEventAccepted })
  @ApiUnauthorizedResponse({ description: 'Missing or invalid signature, unknown cluster, or a stale event' })
  @ApiConflictResponse({ description: 'Replay: an event with this signature was already accepted' })
  receive(
    @Query() { cluster }: FluxEventQueryDto,
    @Headers('x-signature') signature: string | undefined,
    @RawBody() raw: Buffer | undefined,
    @Body() body: unknown,
  ) {
    return this.events.receive(cluster, signature, raw, body);
  }
}
