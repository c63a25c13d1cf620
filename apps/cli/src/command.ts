import type { Command } from 'commander';
import { openSession, type GlobalOptions, type Session } from './client';
import type { ExitCode } from './exit-codes';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Options = GlobalOptions & Record<string, any>;

export interface Invocation {
  args: string[];
  opts: Options;
  command: Command;
  /** Opens the context's session (only commands that talk to Berth call it). */
  session(): Promise<Session>;
}

/** Wires an async handler as the command's action; a returned exit code becomes the process's. */
export function handle(command: Command, handler: (call: Invocation) => Promise<ExitCode | void>): Command {
  return command.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const opts = self.optsWithGlobals<Options>();
    const args = params.slice(0, self.registeredArguments.length) as string[];
    const code = await handler({ args, opts, command: self, session: () => openSession(opts) });
    if (code) process.exitCode = code;
  });
}

/** `--help` ends with these example lines. */
export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => (line.startsWith('#') ? `  ${line}` : `  $ ${line}`)).join('\n')}`);
}
