import { Session } from 'node:inspector';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const root = path.resolve(__dirname, '..', '..');

/** Where a frame's code lives: an npm package, a Berth source file, Node internals or V8 pseudo-frames. */
function bucketOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn || 'anonymous'}`;
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith('node:')) return 'node internals';
  if (file.startsWith(root)) return path.relative(root, file);
  return file;
}

/**
 * Runs `request` n times sequentially while recording every SQL statement sent through `pg` (Prisma's
 * adapter uses the same module), then prints statements per request.
 */
export async function traceQueries(request: () => Promise<unknown>, n = 10): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as typeof import('pg');
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  const seen = new Map<string, number>();
  proto.query = function (this: unknown, ...a: unknown[]) {
    const q = a[0] as string | { text?: string };
    // Literals written into the text (several statements in one round trip) differ per request: fold them.
    const text = (typeof q === 'string' ? q : (q?.text ?? '?'))
      .replace(/\s+/g, ' ')
      .replace(/E?'(?:[^']|'')*'/g, "'…'")
      .trim();
    seen.set(text, (seen.get(text) ?? 0) + 1);
    return original.apply(this, a);
  };
  try {
    for (let i = 0; i < n; i++) await request();
  } finally {
    proto.query = original;
  }
  const total = [...seen.values()].reduce((a, b) => a + b, 0);
  console.log(`SQL statements per request: ${(total / n).toFixed(1)}`);
  for (const [text, count] of seen) console.log(`  ${(count / n).toFixed(1)}×  ${text.length > 160 ? `${text.slice(0, 160)}…` : text}`);
}

/**
 * CPU-profiles this process (both servers live here; only Berth is under load) while `during` runs,
 * then prints self time by package / source file and the hottest functions.
 */
export async function profileDuring(during: () => Promise<unknown>, top = 25): Promise<void> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    await during();
  } finally {
    const { profile } = await post<{ profile: Profile }>('Profiler.stop');
    session.disconnect();
    report(profile, top);
  }
}

function report(profile: Profile, top: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;

  const buckets = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const bucket = bucketOf(url, functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const key = `${functionName || '(anonymous)'}  ${bucket}${url ? `:${lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  console.log(`process CPU busy ${(busy / 1e6).toFixed(2)}s of ${(total / 1e6).toFixed(2)}s sampled (${((100 * busy) / total).toFixed(0)}%)`);
  console.log('self time by package / file (share of busy time):');
  for (const [b, us] of [...buckets].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${b}`);
  console.log('hottest functions (self):');
  for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${f}`);

  // Inclusive time of Berth-relevant subtrees, found by function name.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = (match: (n: ProfileNode) => boolean) => {
    let us = 0;
    for (const [id, t] of selfUs) {
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        if (match(byId.get(cur)!)) {
          us += t;
          break;
        }
      }
    }
    return us;
  };
  const named = (name: string, file?: string) => (n: ProfileNode) => n.callFrame.functionName === name && (!file || n.callFrame.url.includes(file));
  console.log('inclusive (any stack containing):');
  const probes: Array<[string, (n: ProfileNode) => boolean]> = [
    ['defineAbilityFor (CASL build)', named('defineAbilityFor')],
    ['accessibleWhere (accessibleBy → where)', named('accessibleWhere')],
    ['JwtVerifier.verify (jose)', named('verify', 'jwt.verifier')],
    ['ValidationPipe.transform (class-transformer/validator)', named('transform', 'validation.pipe')],
    ['@prisma/client (all)', (n) => n.callFrame.url.includes('@prisma/client')],
    ['@prisma/adapter-pg (all)', (n) => n.callFrame.url.includes('@prisma/adapter-pg')],
    ['pg (all)', (n) => /node_modules\/pg(-[a-z]+)?\//.test(n.callFrame.url)],
    ['@nestjs/core (all)', (n) => n.callFrame.url.includes('@nestjs/core')],
    ['passport (all)', (n) => /node_modules\/passport/.test(n.callFrame.url) || n.callFrame.url.includes('@nestjs/passport')],
    ['rxjs (all)', (n) => n.callFrame.url.includes('node_modules/rxjs')],
    ['fastify (all)', (n) => /node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio)\//.test(n.callFrame.url)],
    ['(garbage collector)', named('(garbage collector)')],
    ['libs/fleet (the writer, all)', (n) => n.callFrame.url.includes('/libs/fleet/')],
    ['libs/gitops (git processes, all)', (n) => n.callFrame.url.includes('/libs/gitops/')],
    ['libs/manifests (rendering, all)', (n) => n.callFrame.url.includes('/libs/manifests/')],
    ['apps/api namespace-requests (all)', (n) => n.callFrame.url.includes('/apps/api/src/namespace-requests/')],
  ];
  for (const [label, match] of probes) console.log(`  ${pct(inclusive(match))}  ${label}`);
  // Berth's own functions by inclusive time (a function counted once per sample, however deep it recurses).
  {
    const incl = new Map<string, number>();
    for (const [id, t] of selfUs) {
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const n = byId.get(cur)!;
        const u = n.callFrame.url;
        if (!u.includes('/libs/') && !u.includes('/apps/')) continue;
        const key = `${n.callFrame.functionName} ${path.relative(root, u.replace(/^file:\/\//, ''))}:${n.callFrame.lineNumber + 1}`;
        if (seen.has(key)) continue;
        seen.add(key);
        incl.set(key, (incl.get(key) ?? 0) + t);
      }
    }
    console.log("Berth's functions (inclusive):");
    for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top + 15)) console.log(`  ${pct(us)}  ${k}`);
  }
}
