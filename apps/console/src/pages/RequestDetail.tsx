import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { unwrap, type ErrorResponse, type Schemas } from '@berth/client';
import { allPages, asErrorResponse, useLoad } from '../api';
import { Facts } from '../components/Facts';
import { DecisionView, StateBadge } from '../components/Reasons';
import { SpecDiff, flatten } from '../components/SpecDiff';
import { ErrorView, Loading } from '../components/Status';
import { useApi, useSession } from '../session';
import { type NamespaceRequest } from '../spec';
import { useInterval, when } from '../time';

type AuditEvent = Schemas['AuditEventResponse'];

interface Step {
  key: string;
  title: string;
  at?: string | null;
  by?: string | null;
  done: boolean;
  bad?: boolean;
  detail?: React.ReactNode;
}

const DECISION_TITLE: Record<string, string> = {
  'namespace-request.approve': 'Approved',
  'namespace-request.reject': 'Rejected',
  'namespace-request.cancel': 'Cancelled',
};

/** The request's story from the audit trail and the namespace it produced: requested, decided, committed, ready. */
function timeline(r: NamespaceRequest, events: AuditEvent[], ns: Schemas['NamespaceResponse'] | undefined): Step[] {
  const created = events.find((e) => e.action === 'namespace-request.create');
  const decision = events.find((e) => e.action in DECISION_TITLE);
  const comment = (decision?.after as { comment?: string } | null | undefined)?.comment ?? r.comment;
  const byPolicy = r.decidedBy === 'system:policy';
  const decided = r.state !== 'PendingApproval';
  const committed = r.state === 'Committed' || !!r.commitSha;
  const ready = !!ns && ns.requestId === r.id && (ns.state === 'Ready' || !!ns.readyAt);
  const steps: Step[] = [
    {
      key: 'requested',
      title: `Requested (${r.kind})`,
      at: created?.at ?? r.createdAt,
      by: created?.actor ?? r.requestedBy,
      done: true,
      detail: <DecisionView decision={r.decision} />,
    },
    {
      key: 'decided',
      title: !decided
        ? 'Waiting for a platform admin'
        : byPolicy
          ? 'Approved by policy'
          : (DECISION_TITLE[decision?.action ?? ''] ?? (r.state === 'Rejected' || r.state === 'Cancelled' ? r.state : 'Approved')),
      at: decision?.at ?? r.decidedAt,
      by: decision?.actor ?? r.decidedBy,
      done: decided,
      bad: r.state === 'Rejected' || r.state === 'Cancelled',
      detail: comment ? <p className="why">“{comment}”</p> : undefined,
    },
  ];
  if (r.state === 'Rejected' || r.state === 'Cancelled') return steps;
  steps.push({
    key: 'committed',
    title: committed ? 'Committed to the fleet repository' : r.state === 'Failed' ? 'Not committed' : 'Waiting for the fleet writer',
    done: committed,
    bad: r.state === 'Failed' && !committed,
    detail: r.commitSha ? (
      <p>
        Commit <code>{r.commitSha}</code>
      </p>
    ) : r.lastError ? (
      <p className="flux-message">{r.lastError}</p>
    ) : undefined,
  });
  if (r.kind !== 'Delete') {
    const failed = ns?.requestId === r.id && ns.state === 'Failed';
    steps.push({
      key: 'ready',
      title: ready ? 'Ready on the cluster' : failed ? 'Failed on the cluster' : 'Waiting for Flux to apply it',
      at: ready ? ns?.readyAt : undefined,
      done: ready,
      bad: failed,
      detail: failed && ns?.lastError ? <p className="flux-message">{ns.lastError}</p> : undefined,
    });
  }
  return steps;
}

export default function RequestDetail() {
  const { id = '' } = useParams();
  const api = useApi();
  const { me } = useSession();
  const [cancelError, setCancelError] = useState<ErrorResponse>();
  const data = useLoad(async () => {
    const request = await unwrap(api.GET('/v1/namespace-requests/{id}', { params: { path: { id } } }));
    const since = new Date(new Date(request.createdAt).getTime() - 60_000).toISOString();
    const [events, ns] = await Promise.all([
      // The audit trail is for owners and admins; others see the times the request itself records.
      allPages((cursor) => unwrap(api.GET('/v1/audit-events', { params: { query: { tenant: request.tenant, since, cursor, limit: 500 } } })), 10).catch(
        () => undefined,
      ),
      request.kind === 'Delete'
        ? Promise.resolve(undefined)
        : unwrap(
            api.GET('/v1/tenants/{tenant}/namespaces/{name}', {
              params: { path: { tenant: request.tenant, name: request.namespace }, query: { cluster: request.cluster } },
            }),
          ).catch(() => undefined),
    ]);
    return { request, audited: events !== undefined, events: (events ?? []).filter((e) => e.targetId === id).reverse(), ns };
  }, [api, id]);
  useInterval(data.reload, 5000);

  const cancel = async () => {
    try {
      await unwrap(api.POST('/v1/namespace-requests/{id}/cancel', { params: { path: { id } }, body: {} }));
      data.reload();
    } catch (failure) {
      setCancelError(asErrorResponse(failure));
    }
  };

  const r = data.data?.request;
  return (
    <>
      {r && (
        <p className="crumbs">
          <Link to={`/tenants/${r.tenant}`}>Tenant {r.tenant}</Link>
        </p>
      )}
      <h1>Request {r ? `${r.kind} ${r.namespace}` : ''}</h1>
      {data.error && <ErrorView error={data.error} />}
      {data.loading && !data.data && <Loading what="the request" />}
      {r && data.data && (
        <>
          <Facts
            facts={[
              ['State', <StateBadge state={r.state} />],
              ['Tenant', r.tenant],
              ['Cluster', r.cluster],
              ['Requested by', <code>{r.requestedBy}</code>],
            ]}
          />
          {r.reason && <p className="why">“{r.reason}”</p>}
          {r.state === 'PendingApproval' && me?.accountable === r.accountable && (
            <p>
              <button type="button" className="secondary" onClick={cancel}>
                Cancel this request
              </button>
            </p>
          )}
          {cancelError && <ErrorView error={cancelError} />}
          <h2>Timeline</h2>
          {!data.data.audited && <p className="hint">From the request’s own record (the audit trail is visible to tenant owners and platform admins).</p>}
          <ol className="timeline">
            {timeline(r, data.data.events, data.data.ns).map((s) => (
              <li key={s.key} className={s.bad ? 'bad' : s.done ? 'done' : 'todo'}>
                <p className="step-title">
                  <strong>{s.title}</strong>
                  {s.at && <time dateTime={s.at}> {when(s.at)}</time>}
                  {s.by && (
                    <>
                      {' '}
                      by <code>{s.by}</code>
                    </>
                  )}
                </p>
                {s.detail}
              </li>
            ))}
          </ol>
          <h2>Requested spec</h2>
          {r.kind === 'Change' && data.data.ns && data.data.ns.requestId !== r.id ? (
            <SpecDiff current={data.data.ns.spec} requested={r.spec} caption="Current vs requested spec" />
          ) : (
            <table className="spec">
              <caption className="visually-hidden">Requested spec of {r.namespace}</caption>
              <tbody>
                {Object.entries(flatten(r.spec)).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">
                      <code>{k}</code>
                    </th>
                    <td>{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
