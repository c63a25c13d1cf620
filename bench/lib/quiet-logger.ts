import type { LoggerService } from '@nestjs/common';

/** Errors only: Nest's start-up route log would drown a benchmark's results. */
export const quietLogger: LoggerService = {
  log: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
  error: (message: unknown, ...rest: unknown[]) => console.error('[berth]', message, ...rest),
};
