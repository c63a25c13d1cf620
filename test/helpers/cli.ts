import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI_BIN = join(__dirname, '..', '..', 'bin', 'berth.js');
export const CLI_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'apps', 'cli', 'src', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Written to the CLI's stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

/** Variables of the test process that would change what the CLI talks to. */
const CLEARED = ['BERTH_URL', 'BERTH_TOKEN', 'BERTH_CONTEXT', 'BERTH_TENANT', 'BERTH_OIDC_ISSUER', 'BERTH_OIDC_CLIENT_ID'];

/** A user of the real `berth` bin (`node bin/berth.js`, built by `npx nest build cli`) with a home of their own. */
export interface CliUser {
  /** $XDG_CONFIG_HOME of this user. */
  configHome: string;
  run(args: string[], options?: CliOptions): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export async function cliUser(): Promise<CliUser> {
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run \`npx nest build cli\` (npm test does it in pretest)`);
  const home = await mkdtemp(join(tmpdir(), 'berth-cli-e2e-'));
  const configHome = join(home, 'config');
  const run = (args: string[], options: CliOptions = {}) =>
    new Promise<CliResult>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: configHome, NO_COLOR: '1' };
      for (const name of CLEARED) delete env[name];
      Object.assign(env, options.env);
      const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`berth ${args.join(' ')} did not end within ${options.timeoutMs ?? 20_000} ms\n${stdout}\n${stderr}`));
      }, options.timeoutMs ?? 20_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  return { configHome, run, cleanup: () => rm(home, { recursive: true, force: true }) };
}
