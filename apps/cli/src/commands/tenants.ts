import type { Command } from 'commander';
import type { Schemas } from '@berth/client';
import { examples, handle } from '../command';
import { age, printList, printObject } from '../output';

type Tenant = Schemas['TenantResponse'];

export function registerTenants(program: Command): void {
  const tenants = program.command('tenants').alias('tenant').description('Tenants you can see (all of them for platform admins)');
  examples(tenants, ['berth tenants ls', 'berth tenants get payments -o yaml']);

  const ls = tenants.command('ls').alias('list').description('List tenants');
  examples(ls, ['berth tenants ls', 'berth tenants ls -o json']);
  handle(ls, async ({ opts, session }) => {
    const s = await session();
    const items = await s.all((page) => s.client.GET('/v1/tenants', { params: { query: page } }));
    printList<Tenant>(items, opts.output, [
      ['NAME', (t) => t.name],
      ['DISPLAY NAME', (t) => t.displayName],
      ['CLUSTERS', (t) => t.allowedClusters],
      ['TIERS', (t) => t.allowedTiers],
      ['BUDGET', (t) => t.budget],
      ['AGE', (t) => age(t.createdAt)],
    ]);
  });

  const get = tenants.command('get').description('Show one tenant').argument('[name]', "tenant (default: the context's)");
  examples(get, ['berth tenants get payments', 'berth tenants get -o json']);
  handle(get, async ({ args: [name], opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.GET('/v1/tenants/{tenant}', { params: { path: { tenant: name ?? s.tenant(opts.tenant) } } }));
    printObject(data, opts.output);
  });
}
