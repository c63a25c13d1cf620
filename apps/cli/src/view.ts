/** How Berth's resources look in tables and on stderr, shared by the commands. */
import type { Schemas } from '@berth/client';
import { describeReasons } from '@berth/client';
import { ExitCode } from './exit-codes';
import { age, printObject, until, type Column, type Format } from './output';

export type NamespaceRequest = Schemas['NamespaceRequestResponse'];
export type Namespace = Schemas['NamespaceResponse'];
export type Decision = Schemas['DecisionResponse'];

const reasonLines = (decision: Decision) => describeReasons(decision.reasons);

export const REQUEST_COLUMNS: Column<NamespaceRequest>[] = [
  ['ID', (r) => r.id],
  ['TENANT', (r) => r.tenant],
  ['KIND', (r) => r.kind],
  ['NAMESPACE', (r) => r.namespace],
  ['CLUSTER', (r) => r.cluster],
  ['STATE', (r) => r.state],
  ['REASONS', (r) => r.decision.reasons.map((reason) => reason.code)],
  ['ACCOUNTABLE', (r) => r.accountable],
  ['AGE', (r) => age(r.createdAt)],
];

export const NAMESPACE_COLUMNS: Column<Namespace>[] = [
  ['NAME', (n) => n.name],
  ['CLUSTER', (n) => n.cluster],
  ['STATE', (n) => n.state],
  ['TIER', (n) => (n.spec as { tier?: string }).tier],
  ['COMMIT', (n) => n.commitSha?.slice(0, 7)],
  ['EXPIRES', (n) => until(n.expiresAt)],
  ['AGE', (n) => age(n.createdAt)],
];

/** A request: its fields, then one line per reason (`field code message`). */
export function printRequest(request: NamespaceRequest, format: Format): void {
  printObject(request, format, [
    ['id', request.id],
    ['kind', request.kind],
    ['tenant', request.tenant],
    ['namespace', request.namespace],
    ['cluster', request.cluster],
    ['state', request.state],
    ['decision', request.decision.outcome],
    ['reason', request.reason],
    ['requestedBy', request.requestedBy],
    ['accountable', request.accountable],
    ['decidedBy', request.decidedBy],
    ['comment', request.comment],
    ['commitSha', request.commitSha],
    ['lastError', request.lastError],
    ['version', request.version],
    ['created', request.createdAt],
  ]);
  if (format === 'table' && request.decision.reasons.length)
    process.stdout.write(
      `reasons:\n${reasonLines(request.decision)
        .map((l) => `  ${l}`)
        .join('\n')}\n`,
    );
}

export function printNamespace(ns: Namespace, format: Format): void {
  printObject(ns, format, [
    ['name', ns.name],
    ['tenant', ns.tenant],
    ['cluster', ns.cluster],
    ['state', ns.state],
    ['spec', ns.spec],
    ['resources', ns.resources],
    ['used', ns.used],
    ['commitSha', ns.commitSha],
    ['lastError', ns.lastError],
    ['expiresAt', ns.expiresAt],
    ['readyAt', ns.readyAt],
    ['requestId', ns.requestId],
    ['version', ns.version],
    ['created', ns.createdAt],
  ]);
}

/** A stored request: pending approval ends with 4 and says so, with its reasons, on stderr. */
export function requestOutcome(request: NamespaceRequest): ExitCode {
  if (request.state !== 'PendingApproval') return ExitCode.Ok;
  process.stderr.write(
    `Request ${request.id} waits for a platform admin's approval:\n${reasonLines(request.decision)
      .map((l) => `  ${l}`)
      .join('\n')}\n`,
  );
  return ExitCode.PendingApproval;
}

/** A dry run: the decision and its reasons; exit 0 approve, 4 needs approval, 3 deny. */
export function printDecision(answer: { decision: Decision; spec: unknown }, format: Format): ExitCode {
  const { decision } = answer;
  if (format !== 'table') printObject(answer, format);
  else {
    process.stdout.write(`decision: ${decision.outcome} (dry run: nothing was stored)\n`);
    if (decision.reasons.length)
      process.stdout.write(
        `reasons:\n${reasonLines(decision)
          .map((l) => `  ${l}`)
          .join('\n')}\n`,
      );
  }
  return decision.outcome === 'approve' ? ExitCode.Ok : decision.outcome === 'deny' ? ExitCode.Denied : ExitCode.PendingApproval;
}
