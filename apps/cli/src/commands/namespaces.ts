import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { accessEntry, duration, etag, keyValue } from '../args';
import type { Session } from '../client';
import { examples, handle, type Options } from '../command';
import { CliError, ExitCode, UsageError } from '../exit-codes';
import { printList } from '../output';
import { follow, type Until } from '../wait';
import { NAMESPACE_COLUMNS, printDecision, printNamespace, printRequest, requestOutcome, type NamespaceRequest } from '../view';

const NAMESPACE_STATES = ['Approved', 'Committed', 'Ready', 'Failed', 'Deleting'];

/** `--wait [committed|ready]` and `--timeout`, shared by every command that makes a request. */
export function waitOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--wait [until]', 'follow the request until it is committed to the fleet repo, or until the namespace is ready')
        .choices(['committed', 'ready'])
        .preset('committed'),
    )
    .addOption(
      new Option('--timeout <duration>', 'give up waiting after this long (exit 1, or 4 if still pending approval)')
        .argParser(duration)
        .default(600_000, '10m'),
    );
}

/** Prints a stored request, or follows it with `--wait`; the exit code says how it ended. */
export async function settle(session: Session, request: NamespaceRequest, opts: Options): Promise<ExitCode> {
  if (!opts.wait) {
    printRequest(request, opts.output);
    return requestOutcome(request);
  }
  const result = await follow(session, request, opts.wait as Until, opts.timeout);
  if (result.namespace && opts.output !== 'table') printNamespace(result.namespace, opts.output);
  else printRequest(result.request, opts.output);
  if (result.problem) process.stderr.write(`${result.problem}\n`);
  if (result.code === ExitCode.PendingApproval) requestOutcome(result.request);
  return result.code;
}

/** Spec flags shared by request and change; `--file` gives a whole body (YAML or JSON) that flags then override. */
function specOptions(command: Command): Command {
  return command
    .option('--tier <tier>', 'quota tier (or give --resource)')
    .option('--resource <key=quantity>', 'explicit ResourceQuota entry, repeatable (requests.cpu=2)', keyValue)
    .option('--label <key=value>', 'namespace label, repeatable', keyValue)
    .option('--annotation <key=value>', 'namespace annotation, repeatable', keyValue)
    .option('--access <Kind:name=role>', 'RoleBinding, repeatable (Group:team-payments=edit, User:alice=view)', accessEntry)
    .addOption(new Option('--network-policy <profile>', 'network profile (default isolated)').choices(['isolated', 'tenant', 'open']))
    .option('--ttl <duration>', 'ephemeral: deleted this long after approval (72h, 7d)')
    .option('--protected', 'deleting it needs a platform admin (owners only)')
    .option('--reason <text>', 'why, shown to approvers')
    .option('-f, --file <path>', 'request body as YAML or JSON (flags override its fields)')
    .option('--dry-run', 'print the decision and its reasons; store nothing')
    .option('--idempotency-key <key>', 'reuse a key to make a retried command a replay (default: a new one per command)');
}

function specBody(opts: Options): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  if (opts.file) {
    let parsed: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      parsed = (require('yaml') as typeof import('yaml')).parse(readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8'));
    } catch (error) {
      throw new UsageError(`--file ${opts.file}: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--file ${opts.file}: expected a mapping`);
    body = parsed as Record<string, unknown>;
  }
  const set = (key: string, value: unknown) => value !== undefined && (body[key] = value);
  set('tier', opts.tier);
  set('resources', opts.resource);
  set('labels', opts.label);
  set('annotations', opts.annotation);
  set('access', opts.access);
  set('networkPolicy', opts.networkPolicy);
  set('ttl', opts.ttl);
  set('protected', opts.protected);
  set('reason', opts.reason);
  return body;
}

export function registerNamespaces(program: Command): void {
  const ns = program.command('ns').alias('namespaces').description("A tenant's namespaces: list, show, request, change, delete");
  examples(ns, ['berth ns ls', 'berth ns request payments-api --cluster prod-eu-1 --tier small --wait', 'berth ns delete payments-old']);

  const ls = ns
    .command('ls')
    .alias('list')
    .description("List the tenant's namespaces")
    .addOption(new Option('--state <state>', 'only in this state').choices(NAMESPACE_STATES))
    .option('--cluster <cluster>', 'only on this cluster');
  examples(ls, ['berth ns ls', 'berth ns ls -t payments --state Failed -o json']);
  handle(ls, async ({ opts, session }) => {
    const s = await session();
    const tenant = s.tenant(opts.tenant);
    const items = await s.all((page) =>
      s.client.GET('/v1/tenants/{tenant}/namespaces', { params: { path: { tenant }, query: { ...page, state: opts.state, cluster: opts.cluster } } }),
    );
    printList(items, opts.output, NAMESPACE_COLUMNS, `No namespaces in tenant ${tenant}.`);
  });

  const get = ns
    .command('get')
    .description('Show one namespace: desired spec, state, quota used')
    .argument('<name>', 'namespace')
    .option('--cluster <cluster>', 'when the name exists on several clusters');
  examples(get, ['berth ns get payments-api', 'berth ns get payments-api -o yaml']);
  handle(get, async ({ args: [name], opts, session }) => {
    const s = await session();
    const { data } = await s.call(
      s.client.GET('/v1/tenants/{tenant}/namespaces/{name}', { params: { path: { tenant: s.tenant(opts.tenant), name }, query: { cluster: opts.cluster } } }),
    );
    printNamespace(data, opts.output);
  });

  const request = waitOptions(
    specOptions(
      ns
        .command('request')
        .alias('create')
        .description('Ask for a new namespace (checked by policy; may wait for approval)')
        .argument('<name>', 'namespace name (<tenant>-…)'),
    ),
  ).requiredOption('--cluster <cluster>', 'cluster');
  examples(request, [
    'berth ns request payments-api --cluster prod-eu-1 --tier small',
    'berth ns request payments-api --cluster prod-eu-1 --tier small --dry-run',
    'berth ns request payments-tmp --cluster dev-1 --resource requests.cpu=1 --resource limits.memory=2Gi --ttl 72h',
    'berth ns request payments-api --cluster prod-eu-1 --tier small --access Group:team-payments=edit --wait ready --timeout 10m',
    'berth ns request payments-api --cluster prod-eu-1 -f spec.yaml',
    '# exit 0 approved, 3 denied by policy, 4 pending approval',
  ]);
  handle(request, async ({ args: [name], opts, session }) => {
    const s = await session();
    const tenant = s.tenant(opts.tenant);
    const body = { ...specBody(opts), name, cluster: opts.cluster } as { name: string; cluster: string };
    if (opts.dryRun) {
      const { data } = await s.call(
        s.client.POST('/v1/tenants/{tenant}/namespace-requests', { params: { path: { tenant }, query: { dryRun: 'true' } }, body }),
      );
      return printDecision(data as { decision: NamespaceRequest['decision']; spec: unknown }, opts.output);
    }
    const key: string = opts.idempotencyKey ?? randomUUID();
    const { data } = await s.idempotent(() =>
      s.client.POST('/v1/tenants/{tenant}/namespace-requests', { params: { path: { tenant }, header: { 'Idempotency-Key': key } }, body }),
    );
    return settle(s, data as NamespaceRequest, opts);
  });

  const change = waitOptions(
    specOptions(ns.command('change').description("Change a namespace's tier, resources, labels, access … (a Change request)").argument('<name>', 'namespace')),
  )
    .option('--cluster <cluster>', 'when the name exists on several clusters')
    .option('--if-match <version>', 'change only if the namespace is still at this version (see `ns get`), else 412', etag);
  examples(change, [
    'berth ns change payments-api --tier medium',
    'berth ns change payments-api --label team=web --if-match 3',
    'berth ns change payments-api --resource limits.memory=16Gi --dry-run',
  ]);
  handle(change, async ({ args: [name], opts, session }) => {
    const s = await session();
    const body = specBody(opts);
    if (!Object.keys(body).length) throw new UsageError('Nothing to change: give --tier, --resource, --label, --access … or --file');
    const params = { path: { tenant: s.tenant(opts.tenant), name }, query: { cluster: opts.cluster, dryRun: opts.dryRun ? 'true' : undefined } };
    // openapi.json does not declare If-Match and Idempotency-Key on these two routes (the API honours both): plain headers.
    const conditional: Record<string, string> = opts.ifMatch ? { 'If-Match': opts.ifMatch } : {};
    if (opts.dryRun) {
      const { data } = await s.call(s.client.PATCH('/v1/tenants/{tenant}/namespaces/{name}', { params, body, headers: conditional }));
      return printDecision(data as { decision: NamespaceRequest['decision']; spec: unknown }, opts.output);
    }
    const key: string = opts.idempotencyKey ?? randomUUID();
    const { data } = await s.idempotent(() =>
      s.client.PATCH('/v1/tenants/{tenant}/namespaces/{name}', { params, body, headers: { ...conditional, 'Idempotency-Key': key } }),
    );
    return settle(s, data as NamespaceRequest, opts);
  });

  const remove = waitOptions(
    ns
      .command('delete')
      .alias('rm')
      .description('Delete a namespace (a Delete request; owners; protected namespaces need an admin)')
      .argument('<name>', 'namespace')
      .option('--cluster <cluster>', 'when the name exists on several clusters')
      .option('--if-match <version>', 'delete only if the namespace is still at this version, else 412', etag)
      .option('--dry-run', 'print the decision and its reasons; store nothing')
      .option('--idempotency-key <key>', 'reuse a key to make a retried command a replay'),
  );
  examples(remove, ['berth ns delete payments-old', 'berth ns delete payments-old --dry-run', 'berth ns delete payments-old --wait']);
  handle(remove, async ({ args: [name], opts, session }) => {
    const s = await session();
    const params = { path: { tenant: s.tenant(opts.tenant), name }, query: { cluster: opts.cluster, dryRun: opts.dryRun ? 'true' : undefined } };
    const conditional: Record<string, string> = opts.ifMatch ? { 'If-Match': opts.ifMatch } : {};
    if (opts.dryRun) {
      const { data } = await s.call(s.client.DELETE('/v1/tenants/{tenant}/namespaces/{name}', { params, headers: conditional }));
      return printDecision(data as { decision: NamespaceRequest['decision']; spec: unknown }, opts.output);
    }
    const key: string = opts.idempotencyKey ?? randomUUID();
    const { data } = await s.idempotent(() =>
      s.client.DELETE('/v1/tenants/{tenant}/namespaces/{name}', { params, headers: { ...conditional, 'Idempotency-Key': key } }),
    );
    if (!data) throw new CliError('Berth answered no request');
    return settle(s, data as NamespaceRequest, opts);
  });
}
