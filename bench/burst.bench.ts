/**
 * Burst: `requests` (default 200) concurrent auto-approved creates over HTTP (JWT), sent at once from a forked
 * child process (bench/lib/burst-load.ts: the load generator never shares the event loop it measures), across `tenants`
 * (default 4) tenants, against the real app with its inline fleet writer pushing to a bare repository,
 * measured from the first call until every namespace is Committed in the database and its request's
 * trailer is on the fleet repository's main. Baseline in the same run: a serial git CLI loop (write one
 * namespace folder's files, `git add`, `git commit`, `git push` per change) writing the same changes —
 * the very files Berth pushed — to another bare remote cloned from the fleet repository before the burst
 * (so of the same size).
 *
 *   npm run bench:burst -- [--requests=200] [--tenants=4] [--writer=worker] [--profile] [--trace]
 *
 * --writer=worker: the separate-worker deployment (the API with BERTH_FLEET_WRITER=off, apps/worker as a child
 * process) instead of the inline writer (the default: `npm start` and the inline-writer overlay).
 * --profile: CPU profile of this process (the app and its writer) during the burst; --trace: the time of
 * each push's phases (fetch, apply, objects, push) as the fleet repository logs them.
 *
 * Targets: ≤ 10 commits, p99 call→Committed ≤ 3 s, Berth's changes/s ≥ 5× the loop's.
 * DATABASE_URL (a server URL) is only used to create a uniquely named database, dropped at the end.
 * Exits 0 on FAIL (it is a measurement); non-zero only if the bench itself breaks.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';
import { sh } from '../libs/gitops/src/testing';
import { DEFAULT_SERVER_URL } from './lib/db';
import { FleetApp, sleep, startFleetApp } from './lib/fleet-app';
import { runBurst } from './lib/burst-load';
import { profileDuring } from './lib/profile';
import { quietLogger } from './lib/quiet-logger';
import { parseArgs, percentile } from './lib/stats';

const TARGET_COMMITS = 10;
const TARGET_P99_MS = 3000;
const TARGET_RATIO = 5;
const TRAILER = 'Berth-Request';
const args = parseArgs(process.argv.slice(2));
const num = (name: string, fallback: number) => (typeof args[name] === 'string' ? Number(args[name]) : fallback);
const REQUESTS = num('requests', 200);
const TENANTS = num('tenants', 4);
const PROFILE = args.profile === true;
const WRITER = args.writer === 'worker' ? 'worker' : 'inline';
const TRACE = args.trace === true;

const load = () => `load ${loadavg()[0].toFixed(2)}`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

interface BurstResult {
  totalMs: number;
  commits: number;
  /** Per request: its call → Committed in the database. */
  latencies: number[];
  timeline: string;
  /** When the 201s arrived after the first call: first, median, last. */
  answers: string;
  names: string[];
}

/** Fires every create at once; watches the database and the remote until all are Committed and pushed. */
async function burst(fleet: FleetApp, headBefore: string): Promise<BurstResult> {
  const { repo, tenants, committedIds } = fleet;
  const calledAt = new Map<string, number>();
  const answeredAt: number[] = [];
  const committedAt = new Map<string, number>();
  const pushed = new Set<string>();
  const seenCommits = new Map<string, { at: number; size: number }>();
  let firing = true;
  // Replaced by the moment the load generator (a child process, once started) sends its first request.
  let fireStart = Date.now();
  const deadline = fireStart + 120_000;
  const ids: string[] = [];
  // The remote is read only when the database shows new Committed requests (the writer marks them after
  // its push): a git process every poll would take CPU from the app it measures, in this very process.
  const readRemote = async () => {
    const now = Date.now();
    const log = await sh(repo, ['log', `--format=%x1e%H%n%(trailers:key=${TRAILER},valueonly)`, `${headBefore}..main`]);
    for (const rec of log.split('\x1e').filter(Boolean)) {
      const [sha, ...trailers] = rec.split('\n').map((s) => s.trim());
      if (!seenCommits.has(sha)) seenCommits.set(sha, { at: now - fireStart, size: trailers.filter(Boolean).length });
      for (const id of trailers) if (id) pushed.add(id);
    }
  };
  const watcher = (async () => {
    while ((firing || pushed.size < ids.length || committedAt.size < ids.length) && Date.now() < deadline) {
      const pendingDb = ids.filter((id) => !committedAt.has(id));
      const before = committedAt.size;
      if (pendingDb.length) for (const id of await committedIds(pendingDb)) committedAt.set(id, Date.now());
      if (committedAt.size > before || (!firing && committedAt.size === ids.length)) await readRemote();
      await sleep(25);
    }
  })();
  const names = Array.from({ length: REQUESTS }, (_, i) => `${tenants[i % TENANTS]}-ns${i}`);
  const calls = names.map((name, i) => fleet.createCall(tenants[i % TENANTS], name));
  let failure: Error | undefined;
  const started = (at: number) => (fireStart = at);
  await runBurst(calls, fleet.devHeaders, started, (a) => {
    if (a.status !== 201 || a.body?.state !== 'Approved') failure ??= new Error(`request ${a.index}: ${a.status} ${JSON.stringify(a.body)}`);
    else {
      calledAt.set(a.body.id, a.sentAt);
      answeredAt.push(a.answeredAt - fireStart);
      ids.push(a.body.id);
    }
  }).finally(() => (firing = false));
  if (failure) throw failure;
  await watcher;
  const missing = ids.filter((id) => !committedAt.has(id) || !pushed.has(id));
  if (missing.length) throw new Error(`${missing.length} requests not Committed and pushed after 120 s`);
  const doneAt = Math.max(...ids.map((id) => committedAt.get(id)!), fireStart + Math.max(...[...seenCommits.values()].map((c) => c.at)));
  return {
    totalMs: doneAt - fireStart,
    commits: Number((await sh(repo, ['rev-list', '--count', `${headBefore}..main`])).trim()),
    latencies: ids.map((id) => committedAt.get(id)! - calledAt.get(id)!),
    timeline: [...seenCommits.values()]
      .sort((a, b) => a.at - b.at)
      .map((c) => `${c.at} ms ×${c.size}`)
      .join(', '),
    names,
    answers: `first ${Math.min(...answeredAt)} ms, p50 ${percentile(answeredAt, 50)} ms, last ${Math.max(...answeredAt)} ms`,
  };
}

/**
 * The baseline: the files Berth changed, one namespace folder per change (files outside any namespace
 * folder — indexes — go with the first change), each written, added, committed and pushed in turn.
 */
async function serialLoop(fleet: FleetApp, remote: string, headBefore: string, names: string[]): Promise<number> {
  const staging = await mkdtemp(join(fleet.dir, 'staging-'));
  await promisify(execFile)('sh', ['-c', 'git -C "$1" archive main | tar -x -C "$2"', 'sh', fleet.repo, staging]);
  const changed = (await sh(fleet.repo, ['diff', '--name-only', headBefore, 'main'])).split('\n').filter(Boolean);
  const byName = new Map<string, string[]>(names.map((n) => [n, []]));
  const shared: string[] = [];
  for (const path of changed) {
    const owner = path.split('/').find((seg) => byName.has(seg));
    (owner ? byName.get(owner)! : shared).push(path);
  }
  const changes = names.map((n, i) => (i === 0 ? [...shared, ...byName.get(n)!] : byName.get(n)!));
  const work = join(fleet.dir, 'loop-work');
  await sh(fleet.dir, ['clone', '-q', remote, work]);
  const start = Date.now();
  for (const [i, files] of changes.entries()) {
    for (const f of files) {
      await mkdir(join(work, f, '..'), { recursive: true });
      await cp(join(staging, f), join(work, f));
    }
    await sh(work, ['add', '--', ...files]);
    await sh(work, ['commit', '-q', '-m', `namespace ${names[i]}`]);
    await sh(work, ['push', '-q', 'origin', 'HEAD:main']);
  }
  return Date.now() - start;
}

async function main(): Promise<void> {
  let fleet: FleetApp | undefined;
  process.once('SIGINT', () => void fleet?.close().finally(() => process.exit(130)));
  try {
    fleet = await startFleetApp(process.env.DATABASE_URL || DEFAULT_SERVER_URL, {
      tenants: TENANTS,
      perTenant: Math.ceil(REQUESTS / TENANTS) + 1,
      writer: WRITER,
    });
    // Warm-up: one create end to end (first clone, JIT), not measured.
    const warm = await fleet.ask(fleet.tenants[0], `${fleet.tenants[0]}-warmup`);
    if (warm.status !== 201) throw new Error(`warm-up: ${warm.status} ${JSON.stringify(warm.body)}`);
    // Generous: in --writer=worker mode the worker compiles from source and starts meanwhile.
    await fleet.waitCommitted(warm.body.id, 60_000);
    // --trace: the fleet repository's per-push breakdown (fetch, apply, objects, push).
    if (TRACE) Logger.overrideLogger({ ...quietLogger, debug: (m: unknown) => /ms: fetch/.test(String(m)) && console.log(`    push: ${String(m)}`) });
    const headBefore = (await sh(fleet.repo, ['rev-parse', 'main'])).trim();
    const remote = join(fleet.dir, 'loop.git');
    await sh(fleet.dir, ['clone', '-q', '--bare', fleet.repo, remote]);

    console.log(
      `Burst: ${REQUESTS} concurrent creates over ${TENANTS} tenants (JWT, ${WRITER === 'worker' ? 'apps/worker in its own process' : 'inline writer'}, file:// bare repo); ${load()}`,
    );
    const app = fleet;
    let result: BurstResult | undefined;
    const run = async () => void (result = await burst(app, headBefore));
    if (PROFILE) await profileDuring(run);
    else await run();
    const b = result!;
    const berthRate = (REQUESTS * 1000) / b.totalMs;
    const fmt = (v: number[]) => `p50 ${percentile(v, 50)} ms, p99 ${percentile(v, 99)} ms, max ${Math.max(...v)} ms`;
    const p99 = percentile(b.latencies, 99);
    console.log(`  Berth: all ${REQUESTS} Committed and on main in ${b.totalMs} ms; ${load()}`);
    console.log(`    201s             ${b.answers}`);
    console.log(`    commits          ${b.commits}  (timeline: ${b.timeline})`);
    console.log(`    call→Committed   ${fmt(b.latencies)}`);
    console.log(`    changes/s        ${berthRate.toFixed(1)}`);

    const loopMs = await serialLoop(fleet, remote, headBefore, b.names);
    const loopRate = (REQUESTS * 1000) / loopMs;
    console.log(`  Serial git loop (write folder, add, commit, push per change): ${REQUESTS} changes in ${loopMs} ms; ${load()}`);
    console.log(`    changes/s        ${loopRate.toFixed(1)}`);

    const ratio = berthRate / loopRate;
    console.log(`\n  target commits ≤ ${TARGET_COMMITS}:              ${b.commits}  ${verdict(b.commits <= TARGET_COMMITS)}`);
    console.log(`  target p99 call→Committed ≤ ${TARGET_P99_MS} ms:  ${p99} ms  ${verdict(p99 <= TARGET_P99_MS)}`);
    console.log(`  target changes/s ≥ ${TARGET_RATIO}× the loop:      ${ratio.toFixed(2)}×  ${verdict(ratio >= TARGET_RATIO)}`);
  } finally {
    await fleet?.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`bench failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
