import type { Command } from 'commander';
import { examples, handle } from '../command';
import { ExitCode } from '../exit-codes';
import { printList, printObject } from '../output';

export function registerFleet(program: Command): void {
  const fleet = program.command('fleet').description('The fleet repository: writer status, drift, reconcile (platform admins)');
  examples(fleet, ['berth fleet status', 'berth fleet drift --exit-code', 'berth fleet reconcile']);

  const status = fleet.command('status').description('Queue depth, last push, last error and writer health');
  examples(status, ['berth fleet status', 'berth fleet status -o json']);
  handle(status, async ({ opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.GET('/v1/fleet/status'));
    printObject(data, opts.output, [
      ['repository', data.repository],
      ['branch', data.branch],
      ['pendingRequests', data.pendingRequests],
      ['queuedJobs', data.queuedJobs],
      ['lastPush', data.lastPush ? `${data.lastPush.sha.slice(0, 12)} at ${data.lastPush.at ?? '?'}` : null],
      ['lastError', data.lastError ? `${data.lastError.message} (${data.lastError.at ?? '?'})` : null],
      ['writer', `${data.writer.state}${data.writer.consecutiveFailures ? `, ${data.writer.consecutiveFailures} failures` : ''}`],
    ]);
  });

  const drift = fleet
    .command('drift')
    .description('Files under Berth-owned paths that differ from what Berth would render')
    .option('--exit-code', 'exit 1 when anything drifted (like git diff --exit-code)');
  examples(drift, ['berth fleet drift', 'berth fleet drift --exit-code || berth fleet reconcile']);
  handle(drift, async ({ opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.GET('/v1/fleet/drift'));
    const rows = [
      ...data.changed.map((path) => ({ drift: 'changed', path, owners: '' })),
      ...data.missing.map((path) => ({ drift: 'missing', path, owners: '' })),
      ...data.unexpected.map((path) => ({ drift: 'unexpected', path, owners: '' })),
      ...data.collisions.map((c) => ({ drift: 'collision', path: c.path, owners: c.owners.join(',') })),
    ];
    if (opts.output !== 'table') printObject(data, opts.output);
    else
      printList(
        rows,
        'table',
        [
          ['DRIFT', (r) => r.drift],
          ['PATH', (r) => r.path],
          ['OWNERS', (r) => r.owners],
        ],
        `No drift at ${data.head?.slice(0, 12) ?? 'an empty repository'}.`,
      );
    return opts.exitCode && rows.length ? ExitCode.Error : ExitCode.Ok;
  });

  const reconcile = fleet.command('reconcile').description('Rewrite every drifted path in one commit');
  examples(reconcile, ['berth fleet reconcile']);
  handle(reconcile, async ({ opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.POST('/v1/fleet/reconcile'));
    if (opts.output !== 'table') return printObject(data, opts.output);
    process.stdout.write(data.sha ? `Reconciled in commit ${data.sha}\n` : 'Nothing drifted: no commit.\n');
  });
}
