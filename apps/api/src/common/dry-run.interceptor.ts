import { applyDecorators, CallHandler, ExecutionContext, HttpCode, HttpStatus, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { Observable } from 'rxjs';

/**
 * `?dryRun=true` answers 200 (the decision only, nothing stored) where the route answers `created` for
 * a stored request. The status follows the request, not the data, so it is set before the route runs;
 * the query DTO validates and parses the parameter for the service.
 */
@Injectable()
export class DryRunInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { query } = context.switchToHttp().getRequest<{ query?: { dryRun?: unknown } }>();
    if (query?.dryRun === 'true') context.switchToHttp().getResponse<{ status(code: number): unknown }>().status(HttpStatus.OK);
    return next.handle();
  }
}

/** The route answers `created` (201 or 202) for a stored request and 200 for `?dryRun=true`. */
export const AnswersDryRun = (created: HttpStatus.CREATED | HttpStatus.ACCEPTED) => applyDecorators(HttpCode(created), UseInterceptors(DryRunInterceptor));
