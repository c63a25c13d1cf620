import { Link, useParams } from 'react-router';
import { unwrap } from '@berth/client';
import { allPages, useLoad } from '../api';
import { StateBadge } from '../components/Reasons';
import { Empty, ErrorView, Loading } from '../components/Status';
import { UsageBar, UsageLegend } from '../components/UsageBars';
import { useApi, useSession } from '../session';
import type { Namespace } from '../spec';
import { humanDuration, useInterval, useNow, when } from '../time';

const STEPS = ['Approved', 'Committed', 'Ready'] as const;

/** A tenant at a glance: usage against budget, namespaces with their delivery state, requests waiting, previews. */
export default function TenantView() {
  const { tenant = '' } = useParams();
  const api = useApi();
  const { me, isAdmin } = useSession();
  const role = me?.tenants.find((t) => t.name === tenant)?.role;
  const canRequest = isAdmin || role === 'developer' || role === 'owner';

  const data = useLoad(async () => {
    const path = { tenant };
    const [usage, namespaces, pending, previews] = await Promise.all([
      unwrap(api.GET('/v1/tenants/{tenant}/usage', { params: { path } })),
      allPages((cursor) => unwrap(api.GET('/v1/tenants/{tenant}/namespaces', { params: { path, query: { cursor, limit: 200 } } }))),
      allPages((cursor) =>
        unwrap(api.GET('/v1/tenants/{tenant}/namespace-requests', { params: { path, query: { state: 'PendingApproval', cursor, limit: 200 } } })),
      ),
      allPages((cursor) => unwrap(api.GET('/v1/tenants/{tenant}/previews', { params: { path, query: { cursor, limit: 200 } } }))).catch(() => []),
    ]);
    return { usage, namespaces, pending, previews };
  }, [api, tenant]);

  // Delivery moves on its own (the fleet writer commits, Flux applies): follow it.
  useInterval(data.reload, 5000);

  return (
    <>
      <div className="title-row">
        <h1>Tenant {tenant}</h1>
        {canRequest && (
          <Link className="button-link" to={`/tenants/${tenant}/request`}>
            Request a namespace
          </Link>
        )}
      </div>
      {data.error && <ErrorView error={data.error} />}
      {data.loading && !data.data && <Loading what={`tenant ${tenant}`} />}
      {data.data && (
        <>
          <section aria-labelledby="usage-heading">
            <h2 id="usage-heading">Usage</h2>
            <p className="muted">
              Namespaces: {data.data.usage.namespaces.allocated ?? 0}
              {data.data.usage.namespaces.pending ? ` (+${data.data.usage.namespaces.pending} pending)` : ''} of{' '}
              {data.data.usage.namespaces.budget ?? 'no limit'}
            </p>
            {data.data.usage.resources.length === 0 ? (
              <Empty>No budget and nothing allocated yet.</Empty>
            ) : (
              <>
                <UsageLegend />
                <div className="usage">
                  {data.data.usage.resources.map((u) => (
                    <UsageBar key={u.resource} usage={u} />
                  ))}
                </div>
              </>
            )}
          </section>

          {data.data.pending.length > 0 && (
            <section aria-labelledby="pending-heading">
              <h2 id="pending-heading">Waiting for approval</h2>
              <ul className="plain">
                {data.data.pending.map((r) => (
                  <li key={r.id}>
                    <Link to={`/requests/${r.id}`}>
                      {r.kind} {r.namespace}
                    </Link>{' '}
                    on {r.cluster} <StateBadge state={r.state} /> <span className="muted">({r.decision.reasons.map((x) => x.code).join(', ')})</span>
                  </li>
                ))}
              </ul>
            </section>
          )}

          <section aria-labelledby="ns-heading">
            <h2 id="ns-heading">Namespaces</h2>
            {data.data.namespaces.length === 0 ? (
              <Empty>
                No namespaces yet.
                {canRequest && (
                  <>
                    {' '}
                    <Link to={`/tenants/${tenant}/request`}>Request the first one</Link>.
                  </>
                )}
              </Empty>
            ) : (
              <NamespaceTable namespaces={data.data.namespaces} />
            )}
          </section>

          <section aria-labelledby="previews-heading">
            <h2 id="previews-heading">Pull-request previews</h2>
            {data.data.previews.length === 0 ? (
              <Empty>No previews. CI creates them with a preview key (POST /v1/tenants/{tenant}/previews).</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Namespace</th>
                    <th scope="col">Repository</th>
                    <th scope="col">Pull request</th>
                    <th scope="col">Head</th>
                    <th scope="col">State</th>
                    <th scope="col">Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.previews.map((p) => (
                    <tr key={`${p.repository}#${p.pullRequest}`}>
                      <td>{p.namespace}</td>
                      <td>{p.repository}</td>
                      <td>#{p.pullRequest}</td>
                      <td>
                        <code>{p.headSha.slice(0, 7)}</code>
                      </td>
                      <td>
                        <StateBadge state={p.state} />
                      </td>
                      <td>
                        <Countdown until={p.expiresAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </>
  );
}

function NamespaceTable({ namespaces }: { namespaces: Namespace[] }) {
  return (
    <table className="namespaces">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Cluster</th>
          <th scope="col">State</th>
          <th scope="col">Commit</th>
          <th scope="col">TTL</th>
        </tr>
      </thead>
      <tbody>
        {namespaces.map((ns) => (
          <tr key={`${ns.cluster}/${ns.name}`} data-namespace={ns.name}>
            <th scope="row">
              <Link to={`/requests/${ns.requestId}`}>{ns.name}</Link>
            </th>
            <td>{ns.cluster}</td>
            <td>
              <Progress state={ns.state} />
              {ns.state === 'Failed' && ns.lastError && <p className="flux-message">{ns.lastError}</p>}
            </td>
            <td>{ns.commitSha ? <code title={ns.commitSha}>{ns.commitSha.slice(0, 8)}</code> : <span className="muted">not yet</span>}</td>
            <td>
              <Countdown until={ns.expiresAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Approved → Committed → Ready (or Failed / Deleting), the current step named for screen readers. */
function Progress({ state }: { state: Namespace['state'] }) {
  if (state === 'Failed' || state === 'Deleting') return <StateBadge state={state} />;
  const at = STEPS.indexOf(state);
  return (
    <ol className="steps" aria-label={`State: ${state}`}>
      {STEPS.map((step, i) => (
        <li key={step} className={i < at ? 'step done' : i === at ? 'step current' : 'step todo'} aria-current={i === at ? 'step' : undefined}>
          {step}
        </li>
      ))}
    </ol>
  );
}

function Countdown({ until }: { until: string | null | undefined }) {
  const now = useNow(1000);
  if (!until) return <span className="muted">none</span>;
  const left = new Date(until).getTime() - now;
  return (
    <time dateTime={until} title={when(until)}>
      {left > 0 ? `${humanDuration(left)} left` : 'expired'}
    </time>
  );
}
