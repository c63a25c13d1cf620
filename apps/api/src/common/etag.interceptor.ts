import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { etagOf } from '@berth/common';

/** The ETag of a single resource's answer: its row version. Lists and bodies without a version have none. */
export function etagOfBody(body: unknown): string | undefined {
  const version = (body as { version?: unknown } | null | undefined)?.version;
  return typeof version === 'number' ? etagOf(version) : undefined;
}

/**
 * Single resources carry their row version; expose it as the ETag for If-Match on later writes. Global,
 * so every route's answer gets it — created ones and Idempotency-Key replays included.
 */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<{ header(name: string, value: string): void }>();
    return next.handle().pipe(
      map((body: unknown) => {
        const etag = etagOfBody(body);
        if (etag) reply.header('ETag', etag);
        return body;
      }),
    );
  }
}
