import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { ApiErrors } from '@berth/common';
import type { Action, AppAbility, SubjectName } from './ability.factory';
import type { Principal } from './principal';

export const IS_PUBLIC = 'berth:public';
export const REQUIRED_POLICY = 'berth:policy';

export interface RequiredPolicy {
  action: Action;
  subject: SubjectName;
}

/** An open route (health checks, OpenAPI): no authentication. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The one security decorator of a route: the caller must be authenticated and able to do `action`
 * on some `subject` (row-level conditions are checked by the service on the row it loads).
 */
export const Allow = (action: Action, subject: SubjectName) =>
  applyDecorators(SetMetadata(REQUIRED_POLICY, { action, subject } satisfies RequiredPolicy), ApiBearerAuth(), ApiSecurity('api-key'), ApiErrors(401, 403));

export const AUTHENTICATED_ONLY = 'berth:authenticated-only';

/** A route any authenticated caller may use, about themselves (e.g. GET /v1/me). */
export const Authenticated = () => applyDecorators(SetMetadata(AUTHENTICATED_ONLY, true), ApiBearerAuth(), ApiSecurity('api-key'), ApiErrors(401));

/** What services need to know about the caller. */
export interface Caller {
  principal: Principal;
  ability: AppAbility;
  requestId: string;
}

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const request = ctx.switchToHttp().getRequest<{ user: Principal; ability: AppAbility; id: string }>();
  return { principal: request.user, ability: request.ability, requestId: String(request.id) };
});
