import { BerthApiError, describeReasons } from '@berth/client';
import { CommanderError } from 'commander';
import { CliError, ExitCode } from './exit-codes';

/** An API error ends with 3 when the policy denied (422 with deny reasons), else 1. */
export function exitCodeOf(error: BerthApiError): ExitCode {
  return error.status === 422 && error.body.details.some((d) => d.severity === 'deny') ? ExitCode.Denied : ExitCode.Error;
}

/** Prints an error on stderr in the API's own words (message, one line per reason, request id); returns the exit code. */
export function report(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage; // commander printed it
  const lines: string[] = [];
  let code: ExitCode = ExitCode.Error;
  if (error instanceof BerthApiError) {
    lines.push(`Error: ${error.body.message} (HTTP ${error.status})`);
    lines.push(...describeReasons(error.body.details).map((reason) => `  ${reason}`));
    if (error.body.requestId) lines.push(`  requestId: ${error.body.requestId}`);
    code = exitCodeOf(error);
  } else if (error instanceof CliError) {
    lines.push(`Error: ${error.message}`, ...error.lines.map((line) => `  ${line}`));
    code = error.code;
  } else {
    lines.push(`Error: ${(error as Error)?.message ?? String(error)}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  return code;
}
