import { fork } from 'node:child_process';

/**
 * Runs `file` (a load generator) in a forked child with the parent's execArgv (e.g. `-r @swc-node/register`)
 * and `flag` in its argv, sends it `options`, and resolves with the `{ result }` it sends back; the child
 * reports a failure as `{ error }`. The load generator thus never shares an event loop with the server it
 * measures.
 */
export function runInChild<R>(file: string, flag: string, options: unknown): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = fork(file, [flag], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: R | undefined;
    child.on('message', (m: { result?: R; error?: string }) => {
      if (m.error) reject(new Error(`load generator: ${m.error}`));
      else result = m.result;
    });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code} and no result`))));
    child.send(options as object);
  });
}
