import { Command, Option } from 'commander';
import type { Schemas } from '@berth/client';
import { examples, handle, type Options } from '../command';
import type { Session } from '../client';
import { UsageError } from '../exit-codes';
import { age, printList, printObject } from '../output';

type ApiKey = Schemas['ApiKeyResponse'];

/** Tenant keys of `--tenant` (or the context's tenant); platform keys with `--global`. */
const scope = (s: Session, opts: Options) => (opts.global ? undefined : (opts.tenant ?? s.context.tenant));

export function registerKeys(program: Command): void {
  const keys = program.command('keys').alias('api-keys').description("API keys: a tenant's (owners) or the platform's (--global, admins)");
  examples(keys, ['berth keys ls', 'berth keys create ci --role preview', 'berth keys create flux-prod --global --role cluster --cluster prod-eu-1']);

  const ls = keys
    .command('ls')
    .alias('list')
    .description('List API keys (never their secrets)')
    .option('--global', "the platform's keys instead of a tenant's");
  examples(ls, ['berth keys ls -t payments', 'berth keys ls --global -o json']);
  handle(ls, async ({ opts, session }) => {
    const s = await session();
    const tenant = scope(s, opts);
    const items = tenant
      ? await s.all((page) => s.client.GET('/v1/tenants/{tenant}/api-keys', { params: { path: { tenant }, query: page } }))
      : await s.all((page) => s.client.GET('/v1/api-keys', { params: { query: page } }));
    printList<ApiKey>(items, opts.output, [
      ['ID', (k) => k.id],
      ['NAME', (k) => k.name],
      ['ROLE', (k) => k.role],
      ['TENANT', (k) => k.tenant],
      ['CLUSTER', (k) => k.cluster],
      ['ACCOUNTABLE', (k) => k.accountable],
      ['LAST USED', (k) => (k.lastUsedAt ? age(k.lastUsedAt) : null)],
      ['REVOKED', (k) => (k.revokedAt ? age(k.revokedAt) : null)],
      ['AGE', (k) => age(k.createdAt)],
    ]);
  });

  const create = keys
    .command('create')
    .description('Create an API key; its secret is printed once (Berth keeps only a hash)')
    .argument('<name>', 'a name for the key')
    .addOption(
      new Option('--role <role>', 'tenant: viewer, developer, owner, preview; global: admin, cluster').choices([
        'viewer',
        'developer',
        'owner',
        'preview',
        'admin',
        'cluster',
      ]),
    )
    .option('--global', 'a platform key (admin or cluster) instead of a tenant key')
    .option('--cluster <cluster>', 'with --role cluster: the cluster whose Flux inputs it reads');
  examples(create, [
    'berth keys create ci --role preview -t payments',
    'berth keys create portal --role developer',
    'berth keys create flux-prod --global --role cluster --cluster prod-eu-1',
  ]);
  handle(create, async ({ args: [name], opts, session }) => {
    const s = await session();
    const tenant = scope(s, opts);
    let created: Schemas['CreatedApiKeyResponse'];
    if (tenant) {
      if (!opts.role || !['viewer', 'developer', 'owner', 'preview'].includes(opts.role))
        throw new UsageError('A tenant key needs --role viewer|developer|owner|preview');
      created = (await s.call(s.client.POST('/v1/tenants/{tenant}/api-keys', { params: { path: { tenant } }, body: { name, role: opts.role } }))).data;
    } else {
      if (opts.role && !['admin', 'cluster'].includes(opts.role))
        throw new UsageError('A global key has --role admin or cluster (or give --tenant for a tenant key)');
      created = (await s.call(s.client.POST('/v1/api-keys', { body: { name, role: opts.role, cluster: opts.cluster } }))).data;
    }
    process.stderr.write('The key is shown once: store it now (Berth keeps only its hash).\n');
    printObject(created, opts.output, [
      ['id', created.id],
      ['name', created.name],
      ['role', created.role],
      ['tenant', created.tenant],
      ['cluster', created.cluster],
      ['key', created.key],
    ]);
  });

  const revoke = keys
    .command('revoke')
    .alias('rm')
    .description('Revoke an API key at once')
    .argument('<id>', 'key id (from keys ls)')
    .option('--global', 'a platform key');
  examples(revoke, ['berth keys revoke 6f0c…', 'berth keys revoke 6f0c… --global']);
  handle(revoke, async ({ args: [id], opts, session }) => {
    const s = await session();
    const tenant = scope(s, opts);
    if (tenant) await s.call(s.client.DELETE('/v1/tenants/{tenant}/api-keys/{id}', { params: { path: { tenant, id } } }));
    else await s.call(s.client.DELETE('/v1/api-keys/{id}', { params: { path: { id } } }));
    process.stderr.write(`Revoked key ${id}.\n`);
  });
}
