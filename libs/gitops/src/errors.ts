/**
 * Errors of the fleet writer. They carry no Nest or HTTP types; messages are always redacted (no URL userinfo,
 * no token), so they can be logged and stored as they are.
 */
export class FleetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A path handed to the FleetTree is malformed, outside the owned folders, or crosses a symlink/submodule. */
export class FleetPathError extends FleetError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`fleet path ${JSON.stringify(path)}: ${reason}`);
  }
}

/** The remote could not be reached, refused us, or rejected the push for a reason other than a race. */
export class FleetRemoteError extends FleetError {
  constructor(
    readonly operation: 'fetch' | 'push',
    message: string,
  ) {
    super(`fleet remote ${operation} failed: ${message}`);
  }
}

/** Every attempt lost the race against other writers (non-fast-forward each time). Safe to retry later. */
export class FleetConflictError extends FleetError {
  constructor(readonly attempts: number) {
    super(`fleet push still rejected as non-fast-forward after ${attempts} attempts`);
  }
}

/** A local git command failed (corrupt workdir, disk full, bad input). `stderr` is redacted. */
export class GitCommandError extends FleetError {
  constructor(
    readonly command: string,
    readonly exitCode: number | string | null,
    readonly stderr: string,
    readonly stdout: string,
  ) {
    super(`git ${command} failed (${exitCode}): ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
  }
}
