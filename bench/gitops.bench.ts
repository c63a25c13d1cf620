/**
 * Fleet writer benchmark: `node -r @swc-node/register bench/gitops.bench.ts`
 *
 * (a) per-change cost of FleetRepo.commitBatch (one namespace folder of 6 small files) vs. a plain CLI loop in a
 *     normal clone (write files, git add, git commit, git push), same fleet, same kind of local bare remote;
 * (b) per-change cost of commitBatch in a fleet of BENCH_NAMESPACES (default 100,000) namespaces vs. 100.
 *
 * Env: BENCH_NAMESPACES (big fleet size), BENCH_ITERATIONS (changes measured per case, default 30),
 *      BENCH_BASELINE_BIG=1 also times the plain CLI loop in the big fleet (a 600k-file checkout: slow).
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FleetRepo, type FleetTree } from '@berth/gitops';
import { sh, tempDir } from '../libs/gitops/src/testing';

const BIG = Number(process.env.BENCH_NAMESPACES ?? 100_000);
const SMALL = 100;
const ITER = Number(process.env.BENCH_ITERATIONS ?? 30);
const PER_TENANT = 30;
const CLUSTERS = 3;
const FILES = ['namespace', 'quota', 'limits', 'rolebinding', 'netpol', 'kustomization'];
const author = { name: 'Bench', email: 'bench@example.com' };

function nsPath(i: number): string {
  const tenant = Math.floor(i / PER_TENANT);
  return `tenants/c${tenant % CLUSTERS}/t${String(tenant).padStart(5, '0')}/ns-${i}`;
}

function fileContent(file: string, ns: string, salt = ''): string {
  // namespace.yaml is unique per namespace; the other five are shared blobs unless salted.
  return file === 'namespace'
    ? `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n${salt}`
    : `# ${file}\napiVersion: v1\nkind: Placeholder\nspec: {}\n${salt}`;
}

/** A bare fleet of n namespaces × 6 files in one commit, through `git fast-import` (seconds, not minutes). */
export async function makeFleet(dir: string, n: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await sh(dir, ['init', '--bare', '-q', '--initial-branch=main', dir]);
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((res, rej) => child.on('close', (c) => (c === 0 ? res() : rej(new Error(`fast-import ${c}`)))));
  const chunks: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  FILES.slice(1).forEach((f, k) => chunks.push(`blob\nmark :${k + 1}\n${data(fileContent(f, ''))}`));
  chunks.push(`commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\n${data('Seed fleet')}`);
  chunks.push(`M 100644 inline README.md\n${data('# fleet\n')}`);
  const flush = async () => {
    const s = chunks.splice(0).join('');
    if (!child.stdin.write(s)) await new Promise((r) => child.stdin.once('drain', r));
  };
  for (let i = 0; i < n; i++) {
    const p = nsPath(i);
    chunks.push(`M 100644 inline ${p}/namespace.yaml\n${data(fileContent('namespace', `ns-${i}`))}`);
    FILES.slice(1).forEach((f, k) => chunks.push(`M 100644 :${k + 1} ${p}/${f}.yaml\n`));
    if (i % 2000 === 0) await flush();
  }
  chunks.push('done\n');
  await flush();
  child.stdin.end();
  await done;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, mean ${mean(xs).toFixed(1)} ms`;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Apply for change k: a new namespace folder (6 files, one of them unique) in an existing tenant. */
const change = (k: number) => async (t: FleetTree) => {
  const ns = `bench-${k}`;
  for (const f of FILES) await t.write(`${nsPath(0).replace(/ns-0$/, ns)}/${f}.yaml`, fileContent(f, ns, `# change ${k}\n`));
};

async function plainLoop(clone: string, k: number): Promise<void> {
  const ns = `bench-${k}`;
  const dir = join(clone, nsPath(0).replace(/ns-0$/, ns));
  await mkdir(dir, { recursive: true });
  await Promise.all(FILES.map((f) => writeFile(join(dir, `${f}.yaml`), fileContent(f, ns, `# change ${k}\n`))));
  await sh(clone, ['add', '--', dir]);
  await sh(clone, ['commit', '-q', '-m', `Create ${ns}\n\nBerth-Request: ${k}`]);
  await sh(clone, ['push', '-q', 'origin', 'HEAD:main']);
}

async function main(): Promise<void> {
  const tmp = await tempDir('berth-gitops-bench-');
  const started = performance.now();
  try {
    // ---- fleets
    let t = performance.now();
    for (const name of ['small-ours.git', 'small-plain.git']) await makeFleet(join(tmp.path, name), SMALL);
    await makeFleet(join(tmp.path, 'big-ours.git'), BIG);
    console.log(`fleets generated: ${SMALL} and ${BIG} namespaces (${BIG * 6} files) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // Phase timings come from FleetRepo's debug log line ("ms: fetch 8.1, apply 0.9, objects 30.2, push 52.0").
    const phases: Record<string, Array<Record<string, number>>> = { 'small-ours': [], 'big-ours': [] };
    const opts = (name: string) => ({
      url: join(tmp.path, `${name}.git`),
      workdir: join(tmp.path, `work-${name}`),
      owned: ['tenants/'],
      logger: {
        log: () => undefined,
        warn: (m: string) => console.warn(m),
        debug: (m: string) => {
          const p = /ms: fetch ([\d.]+), apply ([\d.]+), objects ([\d.]+), push ([\d.]+)/.exec(m);
          if (p) phases[name].push({ fetch: +p[1], apply: +p[2], objects: +p[3], push: +p[4] });
        },
      },
    });
    const small = new FleetRepo(opts('small-ours'));
    const big = new FleetRepo(opts('big-ours'));
    t = performance.now();
    await small.open();
    const openSmall = performance.now() - t;
    t = performance.now();
    await big.open();
    const openBig = performance.now() - t;
    console.log(`FleetRepo.open (first clone): small ${openSmall.toFixed(0)} ms, big ${(openBig / 1000).toFixed(1)} s`);
    const plain = join(tmp.path, 'plain-clone');
    await sh(tmp.path, ['clone', '-q', join(tmp.path, 'small-plain.git'), plain]);
    await sh(plain, ['config', 'user.name', 'Bench']);
    await sh(plain, ['config', 'user.email', 'bench@example.com']);

    // ---- warm-up (page cache, helper processes), then interleave the cases so drift hits all alike
    for (let k = 0; k < 3; k++) {
      await small.commitBatch(change(1000 + k), { message: 'warm', author });
      await big.commitBatch(change(1000 + k), { message: 'warm', author });
      await plainLoop(plain, 1000 + k);
    }
    for (const k of Object.keys(phases)) phases[k] = [];
    const ours: number[] = [];
    const oursBig: number[] = [];
    const base: number[] = [];
    for (let k = 0; k < ITER; k++) {
      const msg = { message: `Create bench-${k}`, trailers: [['Berth-Request', String(k)]] as Array<[string, string]>, author };
      ours.push(
        await time(async () => {
          const r = await small.commitBatch(change(k), msg);
          if (!r.sha) throw new Error('expected a commit');
        }),
      );
      oursBig.push(await time(() => big.commitBatch(change(k), msg)));
      base.push(await time(() => plainLoop(plain, k)));
    }
    // A redo of the same batch: no diff, no commit (what a retried job costs).
    const noop: number[] = [];
    for (let k = 0; k < 10; k++) noop.push(await time(() => big.commitBatch(change(k), { message: 'redo', author })));

    console.log(`\n(a) one change (new namespace folder, 6 files), fleet of ${SMALL} namespaces, ${ITER} changes each`);
    console.log(`    FleetRepo.commitBatch          ${fmt(ours)}`);
    console.log(`    plain add+commit+push in clone ${fmt(base)}`);
    console.log(`    ratio (median) ${(median(ours) / median(base)).toFixed(2)}x   (mean ${(mean(ours) / mean(base)).toFixed(2)}x)   target <= 1.2x`);
    console.log(`\n(b) one change, fleet of ${BIG} vs ${SMALL} namespaces`);
    console.log(`    big   ${fmt(oursBig)}`);
    console.log(`    small ${fmt(ours)}`);
    console.log(`    ratio (median) ${(median(oursBig) / median(ours)).toFixed(2)}x   (mean ${(mean(oursBig) / mean(ours)).toFixed(2)}x)   target <= 1.5x`);
    console.log(`    no-op redo in the big fleet: ${fmt(noop)}`);
    const phase = (name: string, keys: string[]) => median(phases[name].map((p) => keys.reduce((a, k) => a + p[k], 0)));
    const client = ['fetch', 'apply', 'objects'];
    console.log(`    where the time goes (medians, big vs small):`);
    for (const [label, keys] of [
      ['fetch+apply+objects (client side)', client],
      ['push (incl. the remote receive-pack)', ['push']],
    ] as const) {
      const b = phase('big-ours', [...keys]);
      const sm = phase('small-ours', [...keys]);
      console.log(`      ${label.padEnd(40)} ${b.toFixed(1)} ms vs ${sm.toFixed(1)} ms = ${(b / sm).toFixed(2)}x`);
    }
    // What receive-pack runs after every push (connected.c: rev-list --objects <new> --not --all): the remote's
    // cost, per push, for any client. Approximated as "objects of the last commit, not reachable from its parent".
    for (const name of ['big-ours', 'small-ours']) {
      const xs: number[] = [];
      for (let k = 0; k < 5; k++) {
        xs.push(await time(() => sh(join(tmp.path, `${name}.git`), ['rev-list', '--objects', '--quiet', 'main', '^main~1'])));
      }
      console.log(`      remote connectivity check alone (${name.replace('-ours', '')}): ${fmt(xs)}`);
    }

    // The plain CLI in the big fleet, at its best: sparse checkout (cone of the one tenant) + sparse index.
    // BENCH_BASELINE_BIG=full checks out all files instead (slow).
    {
      const plainBig = join(tmp.path, 'plain-big');
      const full = process.env.BENCH_BASELINE_BIG === 'full';
      t = performance.now();
      await sh(tmp.path, ['clone', '-q', '--no-checkout', join(tmp.path, 'big-ours.git'), plainBig]);
      for (const [k, v] of [
        ['user.name', 'Bench'],
        ['user.email', 'bench@example.com'],
        ['index.sparse', 'true'],
      ])
        await sh(plainBig, ['config', k, v]);
      if (!full) await sh(plainBig, ['sparse-checkout', 'set', '--cone', nsPath(0).replace(/\/ns-0$/, '')]);
      await sh(plainBig, ['checkout', '-q', 'main']);
      console.log(`\n    plain CLI in the big fleet (${full ? 'full' : 'sparse'} checkout, set up in ${((performance.now() - t) / 1000).toFixed(1)} s):`);
      const xs: number[] = [];
      for (let k = 0; k < Math.min(ITER, 15); k++) xs.push(await time(() => plainLoop(plainBig, 5000 + k)));
      console.log(
        `      add+commit+push ${fmt(xs)}  (commitBatch in the big fleet: median ${median(oursBig).toFixed(1)} ms = ${(median(oursBig) / median(xs)).toFixed(2)}x)`,
      );
    }
    await small.close();
    await big.close();
  } finally {
    await tmp.cleanup();
    console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
