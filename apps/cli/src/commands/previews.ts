import type { Command } from 'commander';
import type { Schemas } from '@berth/client';
import { positiveInt } from '../args';
import { examples, handle } from '../command';
import { printList, printObject, until } from '../output';
import { settle, waitOptions } from './namespaces';

type Preview = Schemas['PreviewResponse'];

function printPreview(preview: Preview, format: 'table' | 'json' | 'yaml'): void {
  printObject(preview, format, [
    ['pullRequest', preview.pullRequest],
    ['repository', preview.repository],
    ['headSha', preview.headSha],
    ['namespace', preview.namespace],
    ['cluster', preview.cluster],
    ['state', preview.state],
    ['expires', until(preview.expiresAt)],
    ['request', preview.request ? `${preview.request.kind} ${preview.request.id} (${preview.request.state})` : null],
  ]);
}

export function registerPreviews(program: Command): void {
  const previews = program.command('previews').alias('preview').description('Pull-request preview namespaces (CI: a tenant key of role preview)');
  examples(previews, ['berth previews ls', 'berth previews create --repository acme/web --pr 42 --sha "$GITHUB_SHA" --wait']);

  const ls = previews.command('ls').alias('list').description("List the tenant's previews");
  examples(ls, ['berth previews ls', 'berth previews ls -o json']);
  handle(ls, async ({ opts, session }) => {
    const s = await session();
    const tenant = s.tenant(opts.tenant);
    const items = await s.all((page) => s.client.GET('/v1/tenants/{tenant}/previews', { params: { path: { tenant }, query: page } }));
    printList<Preview>(
      items,
      opts.output,
      [
        ['PR', (p) => p.pullRequest],
        ['NAMESPACE', (p) => p.namespace],
        ['CLUSTER', (p) => p.cluster],
        ['STATE', (p) => p.state],
        ['HEAD', (p) => p.headSha.slice(0, 7)],
        ['REPOSITORY', (p) => p.repository],
        ['EXPIRES', (p) => until(p.expiresAt)],
      ],
      `No previews in tenant ${tenant}.`,
    );
  });

  const create = waitOptions(
    previews
      .command('create')
      .alias('up')
      .description("Create or refresh a pull request's preview namespace (a refresh restarts its TTL)")
      .requiredOption('--repository <repo>', 'org/repo or the repository URL')
      .requiredOption('--pr <number>', 'pull request number', positiveInt)
      .requiredOption('--sha <sha>', 'head commit (7-64 hex digits)')
      .option('--tier <tier>', "quota tier (default: the tenant's preview tier)")
      .option('--cluster <cluster>', "cluster, first call only (default: the tenant's preview cluster)"),
  );
  examples(create, [
    'berth previews create --repository acme/web --pr 42 --sha 3f2c9e1',
    'BERTH_URL=https://berth.example.com BERTH_TOKEN="$BERTH_PREVIEW_KEY" berth previews create -t payments --repository "$GITHUB_REPOSITORY" --pr 42 --sha "$GITHUB_SHA" --wait',
  ]);
  handle(create, async ({ opts, session }) => {
    const s = await session();
    const body = { repository: opts.repository, pullRequest: opts.pr, headSha: opts.sha, tier: opts.tier, cluster: opts.cluster };
    const { data } = await s.call(s.client.POST('/v1/tenants/{tenant}/previews', { params: { path: { tenant: s.tenant(opts.tenant) } }, body }));
    if (opts.wait && data.request) return settle(s, data.request, opts);
    printPreview(data, opts.output);
  });

  const remove = previews
    .command('delete')
    .alias('rm')
    .description("Delete a pull request's preview (a Delete request)")
    .argument('<pr>', 'pull request number', positiveInt);
  examples(remove, ['berth previews delete 42']);
  handle(remove, async ({ opts, command, session }) => {
    const s = await session();
    const pullRequest = command.processedArgs[0] as number;
    const { data } = await s.call(
      s.client.DELETE('/v1/tenants/{tenant}/previews/{pullRequest}', { params: { path: { tenant: s.tenant(opts.tenant), pullRequest } } }),
    );
    printPreview(data, opts.output);
  });
}
