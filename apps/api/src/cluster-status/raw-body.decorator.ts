import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** The exact request bytes (kept by the JSON parser in http-app.ts), for signature checks. */
export const RawBody = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Buffer | undefined => ctx.switchToHttp().getRequest<{ rawBody?: Buffer }>().rawBody,
);
