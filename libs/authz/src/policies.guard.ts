import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '@berth/common';
import { defineAbilityFor } from './ability.factory';
import { AUTHENTICATED_ONLY, IS_PUBLIC, REQUIRED_POLICY, RequiredPolicy } from './decorators';
import type { Principal } from './principal';

/**
 * Runs after authentication. Builds the caller's ability once per request and checks the route's
 * coarse policy (can the caller do this action on any such subject?). Routes without a policy are
 * refused: deny by default.
 */
@Injectable()
export class PoliciesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ user: Principal; ability?: unknown; params?: Record<string, string> }>();
    const ability = defineAbilityFor(request.user);
    request.ability = ability;
    if (this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_ONLY, targets)) return true;
    const policy = this.reflector.getAllAndOverride<RequiredPolicy | undefined>(REQUIRED_POLICY, targets);
    if (!policy) throw new ForbiddenError('This route declares no policy');
    // Under /tenants/{tenant}/… the service first resolves the tenant (404 when the caller cannot see
    // it) and then checks the action on it (403): a coarse 403 here would answer before the 404 does.
    if (request.params?.tenant !== undefined) return true;
    if (!ability.can(policy.action, policy.subject)) throw new ForbiddenError();
    return true;
  }
}
