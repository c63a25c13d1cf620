/**
 * Last resort for a process that serves (api, worker): a promise rejection nobody handled is logged as the bug it
 * is, and the process keeps serving instead of dropping every request in flight (Node's default is to exit).
 * Not the fix for anything: every background loop handles its own failures (PeriodicTask), so this never fires
 * in a correct build.
 */
export function logUnhandledRejections(logger: { error(message: string, stack?: string): void }): void {
  process.on('unhandledRejection', (reason) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    logger.error(`unhandled promise rejection (a bug; the process keeps running): ${error.message}`, error.stack);
  });
}
