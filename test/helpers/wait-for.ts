import { inspect } from 'node:util';

export interface WaitForOptions {
  /** What is awaited, as the failure names it: "3 requests Committed". */
  what: string;
  /** Default 20 s. */
  timeoutMs?: number;
  /** Pause between probes; default 100 ms. */
  intervalMs?: number;
  /**
   * Checked before each probe: a reason to stop waiting at once (the process that should get there exited).
   * Returns undefined while there is still hope.
   */
  abortIf?: () => string | undefined;
  /** More to print when the wait fails, e.g. the output of the process waited on. */
  context?: () => string;
}

/** Still waiting: what a probe returns until the awaited thing is there. */
type NotYet = null | undefined | false;

/**
 * The one way a test waits for something another process or a background loop does: calls `probe` every
 * `intervalMs` until it returns a value other than null, undefined or false, and returns that value. A probe
 * that throws counts as not yet (a server still starting). Fails after `timeoutMs`, naming `what` and the last
 * value (or error) the probe gave. Not for letting time pass: a test moves the application's Clock instead.
 */
export async function waitFor<T>(probe: () => Promise<T> | T, options: WaitForOptions): Promise<Exclude<T, NotYet>> {
  const { what, timeoutMs = 20_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown } | undefined;
  for (;;) {
    const aborted = options.abortIf?.();
    if (aborted) throw new Error(`${aborted} while waiting for ${what}${more(options)}`);
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value as Exclude<T, NotYet>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${describe(last)}${more(options)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(last: { value: unknown } | { error: unknown } | undefined): string {
  if (!last) return 'nothing (the probe never returned)';
  if ('error' in last) return `error ${last.error instanceof Error ? last.error.message : inspect(last.error)}`;
  return inspect(last.value, { depth: 4, breakLength: Infinity, maxStringLength: 500, maxArrayLength: 20 });
}

const more = (options: WaitForOptions) => (options.context ? `\n${options.context()}` : '');
