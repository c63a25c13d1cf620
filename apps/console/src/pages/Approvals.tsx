import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { unwrap, type ErrorResponse } from '@berth/client';
import { allPages, asErrorResponse, useLoad } from '../api';
import { Facts } from '../components/Facts';
import { Reasons, StateBadge } from '../components/Reasons';
import { SpecDiff } from '../components/SpecDiff';
import { Empty, ErrorView, Loading } from '../components/Status';
import { useApi, useSession } from '../session';
import { requestedResources, specOf, type Namespace, type NamespaceRequest, type Tier, type Usage } from '../spec';
import { ago, useNow, when } from '../time';

interface Queue {
  pending: NamespaceRequest[];
  usage: Map<string, Usage>;
  tiers: Map<string, Tier>;
  /** The namespace as it is now, for Change and Delete requests. */
  current: Map<string, Namespace | undefined>;
}

/** The approval queue of platform admins: every request pending approval across tenants, oldest first. */
export default function Approvals() {
  const { isAdmin } = useSession();
  if (!isAdmin) {
    return (
      <>
        <h1>Approvals</h1>
        <Empty>The approval queue is for platform admins. Your own requests waiting for approval are listed on your tenant’s page.</Empty>
      </>
    );
  }
  return <ApprovalQueue />;
}

function ApprovalQueue() {
  const api = useApi();
  const [decided, setDecided] = useState<Array<{ request: NamespaceRequest; action: string }>>([]);
  const queue = useLoad(async (): Promise<Queue> => {
    const pending = await allPages((cursor) =>
      unwrap(api.GET('/v1/namespace-requests', { params: { query: { state: 'PendingApproval', cursor, limit: 200 } } })),
    );
    pending.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const tenants = [...new Set(pending.map((r) => r.tenant))];
    const [usages, tiers, currents] = await Promise.all([
      Promise.all(tenants.map((tenant) => unwrap(api.GET('/v1/tenants/{tenant}/usage', { params: { path: { tenant } } })))),
      pending.length ? allPages((cursor) => unwrap(api.GET('/v1/quota-tiers', { params: { query: { cursor, limit: 200 } } }))) : Promise.resolve([]),
      Promise.all(
        pending.map((r) =>
          r.kind === 'Create'
            ? Promise.resolve(undefined)
            : unwrap(
                api.GET('/v1/tenants/{tenant}/namespaces/{name}', { params: { path: { tenant: r.tenant, name: r.namespace }, query: { cluster: r.cluster } } }),
              ).catch(() => undefined),
        ),
      ),
    ]);
    return {
      pending,
      usage: new Map(usages.map((u) => [u.tenant, u])),
      tiers: new Map(tiers.map((t) => [t.name, t])),
      current: new Map(pending.map((r, i) => [r.id, currents[i]])),
    };
  }, [api]);

  const onDecided = (request: NamespaceRequest, action: string) => {
    setDecided((list) => [{ request, action }, ...list].slice(0, 5));
    queue.reload();
  };

  return (
    <>
      <h1>Approvals</h1>
      <p className="lede">Requests waiting for a platform admin, oldest first. You cannot decide a request you are accountable for (four eyes).</p>
      <div role="status" aria-live="polite" className="decided">
        {decided.map(({ request, action }) => (
          <p key={request.id + action}>
            {action} <Link to={`/requests/${request.id}`}>{request.namespace}</Link> ({request.tenant}): now <StateBadge state={request.state} />
          </p>
        ))}
      </div>
      {queue.error && <ErrorView error={queue.error} />}
      {queue.loading && !queue.data && <Loading what="the approval queue" />}
      {queue.data && queue.data.pending.length === 0 && <Empty>Nothing is waiting for approval.</Empty>}
      {queue.data && queue.data.pending.length > 0 && (
        <ol className="queue">
          {queue.data.pending.map((r) => (
            <li key={r.id}>
              <ApprovalItem request={r} queue={queue.data!} onDecided={onDecided} />
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

function ApprovalItem({ request: r, queue, onDecided }: { request: NamespaceRequest; queue: Queue; onDecided(r: NamespaceRequest, action: string): void }) {
  const api = useApi();
  const { me } = useSession();
  const now = useNow(30_000);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorResponse>();
  const spec = specOf(r);
  const usage = queue.usage.get(r.tenant);
  const tier = spec.tier ? queue.tiers.get(spec.tier) : undefined;
  const requested = requestedResources(spec, queue.tiers);
  const byResource = new Map((usage?.resources ?? []).map((u) => [u.resource, u]));
  const resources = [...new Set([...Object.keys(requested), ...(tier ? Object.keys(tier.resources) : [])])].sort();
  const own = !!me && r.accountable === me.accountable;
  const current = queue.current.get(r.id);
  const headingId = `req-${r.id}`;
  const commentId = `comment-${r.id}`;
  const ownId = `own-${r.id}`;

  const decide = async (event: FormEvent, action: 'approve' | 'reject') => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const decided =
        action === 'approve'
          ? await unwrap(api.POST('/v1/namespace-requests/{id}/approve', { params: { path: { id: r.id } }, body: comment ? { comment } : {} }))
          : await unwrap(api.POST('/v1/namespace-requests/{id}/reject', { params: { path: { id: r.id } }, body: { comment } }));
      onDecided(decided, action === 'approve' ? 'Approved' : 'Rejected');
    } catch (failure) {
      setError(asErrorResponse(failure));
      setBusy(false);
    }
  };

  return (
    <article className="card approval" aria-labelledby={headingId}>
      <header className="card-head">
        <h2 id={headingId}>
          <span className={`kind kind-${r.kind.toLowerCase()}`}>{r.kind}</span> <Link to={`/requests/${r.id}`}>{r.namespace}</Link>
        </h2>
        <span className="muted" title={when(r.createdAt)}>
          asked {ago(r.createdAt, now)}
        </span>
      </header>
      <Facts
        facts={[
          ['Tenant', r.tenant],
          ['Cluster', r.cluster],
          [
            'Requested by',
            <>
              <code>{r.requestedBy}</code>
              {r.accountable !== r.requestedBy && (
                <>
                  {' '}
                  for <code>{r.accountable}</code>
                </>
              )}
            </>,
          ],
          ['Tier', spec.tier ?? 'explicit resources'],
          spec.ttl ? ['TTL', spec.ttl] : null,
        ]}
      />
      {r.reason && <p className="why">“{r.reason}”</p>}
      <h3>Why it needs approval</h3>
      <Reasons reasons={r.decision.reasons} label={`Policy reasons for ${r.namespace}`} />
      {resources.length > 0 && (
        <table className="resources">
          <caption>Resources of {r.namespace} against the tenant’s budget</caption>
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Requested</th>
              <th scope="col">{tier ? `Tier ${tier.name}` : 'Tier'}</th>
              <th scope="col">Tenant budget</th>
              <th scope="col">Tenant allocated</th>
              <th scope="col">Tenant pending</th>
            </tr>
          </thead>
          <tbody>
            {resources.map((k) => (
              <tr key={k}>
                <th scope="row">
                  <code>{k}</code>
                </th>
                <td>{requested[k] ?? '—'}</td>
                <td>{tier?.resources[k] ?? '—'}</td>
                <td>{byResource.get(k)?.budget ?? 'none'}</td>
                <td>{byResource.get(k)?.allocated ?? '0'}</td>
                <td>{byResource.get(k)?.pending ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.kind === 'Change' &&
        (current ? (
          <SpecDiff current={current.spec} requested={r.spec} caption={`Change of ${r.namespace}: current vs requested spec`} />
        ) : (
          <p className="muted">The current namespace could not be read.</p>
        ))}
      {r.kind === 'Delete' && (
        <p className="warn-text">
          Deleting {r.namespace} removes the namespace and everything in it from {r.cluster}.
        </p>
      )}
      <form className="decide" onSubmit={(e) => decide(e, 'approve')}>
        <label htmlFor={commentId}>Comment {own ? '' : '(required to reject)'}</label>
        <textarea
          id={commentId}
          rows={2}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          disabled={own || busy}
          aria-describedby={own ? ownId : undefined}
        />
        {own && (
          <p id={ownId} className="own-note">
            You cannot decide this request: you are accountable for it (<code>{r.accountable}</code>). Another platform admin must approve or reject it.
          </p>
        )}
        <div className="buttons">
          <button type="submit" disabled={own || busy} aria-describedby={own ? ownId : undefined}>
            Approve
          </button>
          <button
            type="button"
            className="danger"
            disabled={own || busy || !comment.trim()}
            aria-describedby={own ? ownId : undefined}
            onClick={(e) => decide(e, 'reject')}
          >
            Reject
          </button>
        </div>
      </form>
      {error && <ErrorView error={error} />}
    </article>
  );
}
