import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { IS_PUBLIC, Principal } from '@berth/authz';
import { BerthStrategy } from './berth.strategy';

/**
 * Global: every route needs credentials unless it says @Public(). Authenticates through passport with this
 * application's own strategy instance rather than by name: passport's registry by name is process-global,
 * so with two applications in one process (tests, an embedded start) the one started last would
 * authenticate for both, and with its own configuration and database pool.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: BerthStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<{ user?: Principal }>();
    request.user = await authenticate(this.strategy, request, http.getResponse());
    return true;
  }
}

/** One passport authentication; passport augments the strategy per request, so it gets a fresh object on top of ours. */
function authenticate(strategy: BerthStrategy, request: unknown, response: unknown): Promise<Principal> {
  return new Promise((resolve, reject) => {
    const done = (error: unknown, user?: Principal | false) => (error || !user ? reject(error ?? new UnauthorizedException()) : resolve(user));
    const middleware = passport.authenticate(Object.create(strategy) as passport.Strategy, { session: false }, done);
    middleware(request, response, (error: unknown) => reject(error ?? new UnauthorizedException()));
  });
}
