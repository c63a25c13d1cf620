/** The `berth` exit codes: scripts and CI branch on them, so they never change meaning. */
export const ExitCode = {
  Ok: 0,
  /** Anything else: the API's error (401, 403, 404, 409, 412 …), a network failure, a failed or timed-out wait. */
  Error: 1,
  /** The command line is wrong: unknown command or option, missing argument, bad value. */
  Usage: 2,
  /** The policy refused the request (422 with deny reasons), or with `--wait` an approver rejected it. */
  Denied: 3,
  /** The request waits for a platform admin's approval. */
  PendingApproval: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  error (the API's error, network, a failed or timed-out --wait)
  2  usage error (unknown command or option, missing or bad argument)
  3  denied by policy (or rejected by an approver, with --wait)
  4  pending approval (the request waits for a platform admin)`;

/** An error that ends the command with `code`, its message printed on stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode = ExitCode.Error,
    /** Extra lines printed after the message (reasons, hints). */
    readonly lines: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}
