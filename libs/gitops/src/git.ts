import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { GitCommandError } from './errors';
import { redact } from './redact';

const execFileAsync = promisify(execFile);

/**
 * Credentials for the fleet remote. Nothing here ever reaches argv or a log line: the ssh key path goes into
 * `GIT_SSH_COMMAND`, the https token into an `http.extraHeader` passed through `GIT_CONFIG_COUNT/KEY/VALUE`.
 */
export interface FleetAuth {
  /** Private key for ssh:// and scp-like remotes (`ssh -i <file> -o IdentitiesOnly=yes -o BatchMode=yes`). */
  sshKeyFile?: string;
  /** known_hosts to trust; when set, host keys are checked strictly against it. */
  sshKnownHostsFile?: string;
  /** A complete ssh command instead (overrides the two above). */
  sshCommand?: string;
  /** https basic-auth user name that goes with the token (`x-access-token` when omitted). */
  username?: string;
  /** https token (GitHub/GitLab/Gitea personal or app token). Prefer `tokenFile`. */
  token?: string;
  /** File holding the https token (a mounted secret); read on every remote operation, so rotation works. */
  tokenFile?: string;
}

/** What every git invocation of one repository shares: the environment and the strings to redact. */
export interface GitContext {
  env: NodeJS.ProcessEnv;
  secrets: string[];
  timeoutMs: number;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Environment for git: no prompts, stable C-locale messages, credentials only in env. */
export function gitContext(auth: FleetAuth | undefined, timeoutMs: number): GitContext {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inherited repository overrides (e.g. when running inside a git hook) would redirect every command.
  for (const k of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_NAMESPACE',
    'GIT_CEILING_DIRECTORIES',
  ]) {
    delete env[k];
  }
  Object.assign(env, { LC_ALL: 'C', LANG: 'C', GIT_TERMINAL_PROMPT: '0', GIT_NO_REPLACE_OBJECTS: '1' });
  const secrets: string[] = [];
  const config: Array<[string, string]> = [];

  if (auth?.sshCommand) {
    env.GIT_SSH_COMMAND = auth.sshCommand;
  } else if (auth?.sshKeyFile || auth?.sshKnownHostsFile) {
    const parts = ['ssh', '-o', 'BatchMode=yes'];
    if (auth.sshKeyFile) parts.push('-i', shellQuote(auth.sshKeyFile), '-o', 'IdentitiesOnly=yes');
    if (auth.sshKnownHostsFile) {
      parts.push('-o', `UserKnownHostsFile=${shellQuote(auth.sshKnownHostsFile)}`, '-o', 'StrictHostKeyChecking=yes');
    }
    env.GIT_SSH_COMMAND = parts.join(' ');
  }

  const token = auth?.tokenFile ? readFileSync(auth.tokenFile, 'utf8').trim() : auth?.token;
  if (token) {
    const basic = Buffer.from(`${auth?.username ?? 'x-access-token'}:${token}`).toString('base64');
    secrets.push(token, basic);
    config.push(['http.extraHeader', `Authorization: Basic ${basic}`], ['credential.helper', '']);
  }

  let n = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10) || 0;
  for (const [key, value] of config) {
    env[`GIT_CONFIG_KEY_${n}`] = key;
    env[`GIT_CONFIG_VALUE_${n}`] = value;
    n++;
  }
  if (n > 0) env.GIT_CONFIG_COUNT = String(n);
  return { env, secrets, timeoutMs };
}

export interface RunOptions {
  cwd?: string;
  input?: string | Buffer;
  /** Resolve instead of throwing when git exits non-zero (the caller inspects `code`). */
  allowFailure?: boolean;
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** One git command through execFile (argv array, never a shell). Output and errors are redacted. */
export async function runGit(ctx: GitContext, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const promise = execFileAsync('git', args, {
    cwd: opts.cwd,
    env: ctx.env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: opts.timeoutMs ?? ctx.timeoutMs,
    killSignal: 'SIGKILL',
  });
  const stdin = promise.child.stdin;
  if (stdin) {
    stdin.on('error', () => undefined); // EPIPE when git exits early; the exit status tells the story
    stdin.end(opts.input ?? '');
  }
  try {
    const { stdout, stderr } = await promise;
    return { stdout, stderr: redact(stderr, ctx.secrets), code: 0 };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string; code?: number | string; signal?: string; killed?: boolean };
    const stdout = redact(err.stdout ?? '', ctx.secrets);
    let stderr = redact(err.stderr ?? '', ctx.secrets);
    if (err.killed || err.signal) stderr += `\n(killed by ${err.signal ?? 'signal'}, timeout ${opts.timeoutMs ?? ctx.timeoutMs} ms?)`;
    const code = typeof err.code === 'number' ? err.code : -1;
    if (opts.allowFailure && typeof err.code === 'number') return { stdout, stderr, code };
    throw new GitCommandError(redact(args[0] ?? '', ctx.secrets), err.code ?? null, stderr || redact(err.message, ctx.secrets), stdout);
  }
}

/**
 * A long-lived git process answering requests in order on stdin/stdout (`cat-file --batch`): one spawn for
 * many objects instead of one per object.
 */
abstract class BatchProcess<T> {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (v: T) => void; reject: (e: Error) => void }> = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  private stderr = '';
  private dead: Error | null = null;

  constructor(
    protected readonly ctx: GitContext,
    private readonly args: string[],
    cwd: string,
  ) {
    this.child = spawn('git', args, { cwd, env: ctx.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.buffered += d.length;
      this.drain();
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-4000);
    });
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (e) => this.fail(e));
    this.child.on('close', (code, signal) => this.fail(new GitCommandError(args[0], code ?? signal, redact(this.stderr, ctx.secrets), '')));
  }

  get alive(): boolean {
    return this.dead === null;
  }

  protected request(input: string | Buffer): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(input);
    });
  }

  /** Try to cut one answer off the front of `buf`; return [answer, bytes used] or null when incomplete. */
  protected abstract parse(buf: Buffer): [T, number] | null;
  /** Bytes needed before `parse` can succeed (lets big objects arrive without re-concatenating). */
  protected need = 1;

  private drain(): void {
    while (this.waiting.length > 0 && this.buffered >= this.need) {
      const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [buf];
      const got = this.parse(buf);
      if (!got) return;
      const [value, used] = got;
      const rest = buf.subarray(used);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      this.need = 1;
      this.waiting.shift()!.resolve(value);
    }
  }

  private fail(e: Error): void {
    if (!this.dead) this.dead = e;
    for (const w of this.waiting.splice(0)) w.reject(this.dead);
  }

  close(): void {
    if (!this.dead) this.dead = new GitCommandError(this.args[0], 'closed', 'process closed', '');
    this.child.stdin.end();
    // A request still pending after close is answered with the error above (fail() on 'close').
  }
}

export interface GitObject {
  oid: string;
  type: string;
  data: Buffer;
}

/** `git cat-file --batch`: read any object (or `rev:path`) by name; null when missing. */
export class CatFileProcess extends BatchProcess<GitObject | null> {
  constructor(ctx: GitContext, gitDir: string) {
    super(ctx, ['cat-file', '--batch'], gitDir);
  }

  read(name: string): Promise<GitObject | null> {
    if (/[\n\r]/.test(name)) return Promise.reject(new Error('object name contains a newline'));
    return this.request(`${name}\n`);
  }

  protected parse(buf: Buffer): [GitObject | null, number] | null {
    const nl = buf.indexOf(10);
    if (nl < 0) return null;
    const header = buf.toString('utf8', 0, nl);
    const parts = header.split(' ');
    if (parts.length !== 3) return [null, nl + 1]; // "<name> missing" / "<name> ambiguous"
    const size = Number(parts[2]);
    const end = nl + 1 + size + 1;
    if (buf.length < end) {
      this.need = end;
      return null;
    }
    return [{ oid: parts[0], type: parts[1], data: Buffer.from(buf.subarray(nl + 1, nl + 1 + size)) }, end];
  }
}
