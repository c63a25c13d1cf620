import { Command, Option } from 'commander';
import { examples, handle } from '../command';
import { printList } from '../output';
import { printRequest, REQUEST_COLUMNS, type NamespaceRequest } from '../view';
import { settle, waitOptions } from './namespaces';

const STATES = ['PendingApproval', 'Approved', 'Rejected', 'Cancelled', 'Committed', 'Failed'] as const;
type State = (typeof STATES)[number];

export function registerRequests(program: Command): void {
  const requests = program.command('requests').alias('req').description('Namespace requests: the approval queue, decisions, cancellation');
  examples(requests, ['berth requests ls --state PendingApproval -A', 'berth requests approve 3f0c… --comment "launch approved"']);

  const ls = requests
    .command('ls')
    .alias('list')
    .description("List requests: the tenant's, or with -A every tenant's you can see (the approval queue for admins), oldest first")
    .addOption(new Option('--state <state>', 'only in this state').choices(STATES))
    .option('-A, --all-tenants', "every tenant's requests, not only the default tenant's");
  examples(ls, ['berth requests ls', 'berth requests ls -A --state PendingApproval', 'berth requests ls -t payments -o json']);
  handle(ls, async ({ opts, session }) => {
    const s = await session();
    const tenant = opts.allTenants ? undefined : (opts.tenant ?? s.context.tenant);
    const state = opts.state as State | undefined;
    const items = tenant
      ? await s.all((page) => s.client.GET('/v1/tenants/{tenant}/namespace-requests', { params: { path: { tenant }, query: { ...page, state } } }))
      : await s.all((page) => s.client.GET('/v1/namespace-requests', { params: { query: { ...page, state } } }));
    printList(items, opts.output, REQUEST_COLUMNS, 'No requests.');
  });

  const get = requests.command('get').description('Show one request with its decision and reasons').argument('<id>', 'request id');
  examples(get, ['berth requests get 3f0c2a9e-…', 'berth requests get 3f0c2a9e-… -o json']);
  handle(get, async ({ args: [id], opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.GET('/v1/namespace-requests/{id}', { params: { path: { id } } }));
    printRequest(data, opts.output);
  });

  const approve = waitOptions(
    requests
      .command('approve')
      .description('Approve a pending request (platform admins; never a request you are accountable for)')
      .argument('<id>', 'request id')
      .option('--comment <text>', 'shown to the requester'),
  );
  examples(approve, ['berth requests approve 3f0c2a9e-…', 'berth requests approve 3f0c2a9e-… --comment "launch approved" --wait']);
  handle(approve, async ({ args: [id], opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.POST('/v1/namespace-requests/{id}/approve', { params: { path: { id } }, body: { comment: opts.comment } }));
    return settle(s, data, opts);
  });

  const reject = requests
    .command('reject')
    .description('Reject a pending request with a comment (platform admins)')
    .argument('<id>', 'request id')
    .requiredOption('--comment <text>', 'why (required)');
  examples(reject, ['berth requests reject 3f0c2a9e-… --comment "use the shared cluster"']);
  handle(reject, async ({ args: [id], opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.POST('/v1/namespace-requests/{id}/reject', { params: { path: { id } }, body: { comment: opts.comment } }));
    printRequest(data, opts.output);
  });

  const cancel = requests
    .command('cancel')
    .description('Cancel a pending request (its requester or a tenant owner)')
    .argument('<id>', 'request id')
    .option('--comment <text>', 'why');
  examples(cancel, ['berth requests cancel 3f0c2a9e-…']);
  handle(cancel, async ({ args: [id], opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.POST('/v1/namespace-requests/{id}/cancel', { params: { path: { id } }, body: { comment: opts.comment } }));
    printRequest(data, opts.output);
  });

  const wait = waitOptions(
    requests.command('wait').description('Follow a request until it is committed (or its namespace ready)').argument('<id>', 'request id'),
  );
  examples(wait, ['berth requests wait 3f0c2a9e-…', 'berth requests wait 3f0c2a9e-… --wait ready --timeout 15m']);
  handle(wait, async ({ args: [id], opts, session }) => {
    const s = await session();
    const { data } = await s.call(s.client.GET('/v1/namespace-requests/{id}', { params: { path: { id } } }));
    return settle(s, data as NamespaceRequest, { ...opts, wait: opts.wait ?? 'committed' });
  });
}
