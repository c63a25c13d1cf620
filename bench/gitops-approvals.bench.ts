/**
 * GitOps approvals: 200 concurrent auto-approved namespace requests over HTTP against the real app with
 * its inline fleet writer and a bare fleet repository in a temp folder. Measures how many commits the
 * writer makes for them and the approval-to-pushed latency (HTTP 201 received → the request's trailer
 * is on the remote branch), plus approval-to-Committed (the database says so).
 *
 *   node -r @swc-node/register bench/gitops-approvals.bench.ts [--requests=200] [--tenants=4]
 *
 * DATABASE_URL (a server URL; default postgresql://postgres@127.0.0.1:5432/postgres) is only used to
 * create a uniquely named database, migrated and dropped at the end (also on failure or Ctrl-C).
 * Targets: ≤ 10 commits, p99 approval-to-pushed ≤ 3 s. Exits 0 on FAIL (it is a measurement).
 */
import 'reflect-metadata';
import { sh } from '../libs/gitops/src/testing';
import { DEFAULT_SERVER_URL } from './lib/db';
import { FleetApp, sleep, startFleetApp } from './lib/fleet-app';
import { parseArgs, percentile } from './lib/stats';

const TARGET_COMMITS = 10;
const TARGET_P99_MS = 3000;
const args = parseArgs(process.argv.slice(2));
const num = (name: string, fallback: number) => (typeof args[name] === 'string' ? Number(args[name]) : fallback);
const REQUESTS = num('requests', 200);
const TENANTS = num('tenants', 4);
const TRAILER = 'Berth-Request';

async function main(): Promise<void> {
  let fleet: FleetApp | undefined;
  process.once('SIGINT', () => void fleet?.close().finally(() => process.exit(130)));
  try {
    const t0 = Date.now();
    fleet = await startFleetApp(process.env.DATABASE_URL || DEFAULT_SERVER_URL, { tenants: TENANTS, perTenant: Math.ceil(REQUESTS / TENANTS) + 1 });
    const { repo, tenants, ask, committedIds } = fleet;

    // Warm-up: one approval end to end (first clone, JIT), not measured.
    const warm = await ask(tenants[0], `${tenants[0]}-warmup`);
    if (warm.status !== 201) throw new Error(`warm-up: ${warm.status} ${JSON.stringify(warm.body)}`);
    await fleet.waitCommitted(warm.body.id);
    const headBefore = (await sh(repo, ['rev-parse', 'main'])).trim();
    console.log(`setup ${Date.now() - t0} ms; firing ${REQUESTS} concurrent approvals over ${TENANTS} tenants`);

    // Watch the remote (the pushed time) and the database (the Committed time), during and after the burst.
    const pushedAt = new Map<string, number>();
    const seenCommits = new Map<string, { at: number; size: number }>();
    const committedAt = new Map<string, number>();
    const wanted = new Set<string>();
    let firing = true;
    const fireStart = Date.now();
    const deadline = fireStart + 90_000;
    const watcher = (async () => {
      while ((firing || pushedAt.size < wanted.size || committedAt.size < wanted.size) && Date.now() < deadline) {
        const now = Date.now();
        const log = await sh(repo, ['log', `--format=%x1e%H%n%(trailers:key=${TRAILER},valueonly)`, `${headBefore}..main`]);
        for (const rec of log.split('\x1e').filter(Boolean)) {
          const [sha, ...ids] = rec.split('\n').map((s) => s.trim());
          if (!seenCommits.has(sha)) seenCommits.set(sha, { at: now - fireStart, size: ids.filter(Boolean).length });
          for (const id of ids) if (wanted.has(id) && !pushedAt.has(id)) pushedAt.set(id, now);
        }
        const pendingDb = [...wanted].filter((id) => !committedAt.has(id));
        if (pendingDb.length) for (const id of await committedIds(pendingDb)) committedAt.set(id, Date.now());
        await sleep(50);
      }
    })();
    // Fire every approval at once; record when each 201 arrives.
    const approvedAt = new Map<string, number>();
    const results = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const tenant = tenants[i % TENANTS];
        const r = await ask(tenant, `${tenant}-ns${i}`);
        if (r.status !== 201 || r.body?.state !== 'Approved') throw new Error(`request ${i}: ${r.status} ${JSON.stringify(r.body)}`);
        approvedAt.set(r.body.id, Date.now());
        wanted.add(r.body.id);
        return r.body.id as string;
      }),
    );
    const fireMs = Date.now() - fireStart;
    firing = false;
    await watcher;

    const commitCount = Number((await sh(repo, ['rev-list', '--count', `${headBefore}..main`])).trim());
    const merges = (await sh(repo, ['rev-list', '--merges', `${headBefore}..main`])).trim();

    const lat = (m: Map<string, number>) => results.filter((id) => m.has(id)).map((id) => Math.max(0, m.get(id)! - approvedAt.get(id)!));
    const pushed = lat(pushedAt);
    const committed = lat(committedAt);
    const fmt = (v: number[]) => (v.length ? `p50 ${percentile(v, 50)} ms, p99 ${percentile(v, 99)} ms, max ${Math.max(...v)} ms` : 'none');
    const p99 = pushed.length === REQUESTS ? percentile(pushed, 99) : Infinity;
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

    console.log(`\nGitOps approvals (${REQUESTS} concurrent, inline writer, file:// bare repo)`);
    console.log(`  all 201s received in         ${fireMs} ms`);
    console.log(`  pushed        ${pushed.length}/${REQUESTS}   ${fmt(pushed)}`);
    console.log(`  Committed     ${committed.length}/${REQUESTS}   ${fmt(committed)}`);
    console.log(
      `  commit timeline (first seen after the burst started): ${[...seenCommits.values()]
        .sort((a, b) => a.at - b.at)
        .map((c) => `${c.at} ms ×${c.size}`)
        .join(', ')}`,
    );
    console.log(`  201 timeline: first ${Math.min(...approvedAt.values()) - fireStart} ms, last ${Math.max(...approvedAt.values()) - fireStart} ms`);
    console.log(`  commits       ${commitCount}${merges ? ` (merges: ${merges.split('\n').length})` : ', linear'}`);
    console.log(`\n  target commits ≤ ${TARGET_COMMITS}:           ${commitCount}  ${verdict(commitCount <= TARGET_COMMITS && pushed.length === REQUESTS)}`);
    console.log(
      `  target p99 approval→pushed ≤ ${TARGET_P99_MS} ms: ${Number.isFinite(p99) ? `${p99} ms` : 'not all pushed'}  ${verdict(p99 <= TARGET_P99_MS)}`,
    );
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
