import type { Command } from 'commander';
import { examples, handle } from '../command';
import { printList, printObject } from '../output';

interface Row {
  resource: string;
  budget?: string | number | null;
  allocated: string | number;
  pending?: string | number;
  used?: string;
  available?: string | number | null;
}

export function registerUsage(program: Command): void {
  const usage = program.command('usage').description("The tenant's budget next to what is allocated, pending approval and used on the clusters");
  examples(usage, ['berth usage', 'berth usage -t payments -o json']);
  handle(usage, async ({ opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.GET('/v1/tenants/{tenant}/usage', { params: { path: { tenant: s.tenant(opts.tenant) } } }));
    if (opts.output !== 'table') return printObject(data, opts.output);
    const { budget, allocated, pending } = data.namespaces;
    const rows: Row[] = [
      {
        resource: 'namespaces',
        budget,
        allocated: allocated ?? 0,
        pending,
        available: budget === null || budget === undefined ? null : budget - (allocated ?? 0),
      },
      ...data.resources,
    ];
    printList(rows, 'table', [
      ['RESOURCE', (r) => r.resource],
      ['BUDGET', (r) => r.budget],
      ['ALLOCATED', (r) => r.allocated],
      ['PENDING', (r) => r.pending],
      ['USED', (r) => r.used],
      ['AVAILABLE', (r) => r.available],
    ]);
  });
}
