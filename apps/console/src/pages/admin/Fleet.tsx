import { useState } from 'react';
import { unwrap, type Schemas } from '@berth/client';
import { useLoad } from '../../api';
import { Empty, ErrorView, Loading } from '../../components/Status';
import { useApi } from '../../session';
import { ActionError, ConfirmButton, Time, useAction } from '../../components/admin';

type FleetStatus = Schemas['FleetStatusResponse'];
type Drift = Schemas['FleetDriftResponse'];

/** Platform admins: the fleet writer's health and queue, drift of the fleet repository, and a reconcile. */
export default function Fleet() {
  const api = useApi();
  const status = useLoad(() => unwrap(api.GET('/v1/fleet/status')), [api]);
  const drift = useLoad(() => unwrap(api.GET('/v1/fleet/drift')), [api]);
  const reconcile = useAction();
  const [result, setResult] = useState<Schemas['ReconcileResponse']>();

  const runReconcile = () =>
    reconcile.run(async () => {
      setResult(undefined);
      setResult(await unwrap(api.POST('/v1/fleet/reconcile')));
      status.reload();
      drift.reload();
    });

  return (
    <>
      <h1>Fleet</h1>
      <section aria-labelledby="writer">
        <h2 id="writer">Fleet writer</h2>
        {status.error ? (
          <ErrorView error={status.error} />
        ) : !status.data ? (
          <Loading what="the fleet writer's status" />
        ) : (
          <WriterStatus status={status.data} />
        )}
        <button type="button" className="secondary" onClick={status.reload} disabled={status.loading}>
          Refresh status
        </button>
      </section>

      <section aria-labelledby="drift">
        <h2 id="drift">Drift</h2>
        {drift.error ? <ErrorView error={drift.error} /> : !drift.data ? <Loading what="drift" /> : <DriftReport drift={drift.data} />}
        <div className="buttons">
          <button type="button" className="secondary" onClick={drift.reload} disabled={drift.loading}>
            Check drift again
          </button>
          <ConfirmButton
            label="Reconcile the fleet repository"
            question="Rewrite every path Berth owns in one commit?"
            busy={reconcile.busy}
            onConfirm={runReconcile}
          >
            {reconcile.busy ? 'Reconciling…' : 'Reconcile'}
          </ConfirmButton>
        </div>
        <ActionError error={reconcile.error} />
        <p role="status" className="reconcile-result">
          {result && (result.sha ? <>Reconciled: commit {<code>{result.sha}</code>} written.</> : <>Nothing drifted: no commit written.</>)}
        </p>
      </section>
    </>
  );
}

function WriterStatus({ status }: { status: FleetStatus }) {
  const w = status.writer;
  return (
    <dl className="facts">
      <dt>State</dt>
      <dd>
        <span className={`badge ${w.state === 'ok' ? 'ok' : 'bad'}`}>{w.state}</span>
        {w.degradedSince && (
          <>
            {' '}
            since <Time at={w.degradedSince} />
          </>
        )}
      </dd>
      <dt>Consecutive failures</dt>
      <dd>{w.consecutiveFailures}</dd>
      <dt>Next attempt</dt>
      <dd>
        <Time at={w.nextAttemptAt} />
      </dd>
      <dt>Last error</dt>
      <dd>
        {status.lastError ? (
          <>
            {status.lastError.message} (<Time at={status.lastError.at} />)
          </>
        ) : (
          'none'
        )}
      </dd>
      <dt>Last push</dt>
      <dd>
        {status.lastPush ? (
          <>
            <code>{status.lastPush.sha}</code> at <Time at={status.lastPush.at} />
          </>
        ) : (
          'none yet'
        )}
      </dd>
      <dt>Queue</dt>
      <dd>
        {status.pendingRequests} approved request(s) not yet committed; {status.queuedJobs ?? 'unknown number of'} writer job(s) queued
      </dd>
      <dt>Repository</dt>
      <dd>
        {status.repository ? <code>{status.repository}</code> : 'none (pull delivery only)'} on branch <code>{status.branch}</code>
      </dd>
    </dl>
  );
}

function DriftReport({ drift }: { drift: Drift }) {
  const groups: [string, string[]][] = [
    ['Changed', drift.changed],
    ['Missing', drift.missing],
    ['Unexpected', drift.unexpected],
  ];
  const none = groups.every(([, paths]) => paths.length === 0) && drift.collisions.length === 0;
  return (
    <>
      <p>
        Compared with {drift.head ? <code>{drift.head}</code> : 'an empty repository'}:{' '}
        <strong>{none ? 'no drift' : `${drift.changed.length} changed, ${drift.missing.length} missing, ${drift.unexpected.length} unexpected`}</strong>
      </p>
      {none && <Empty>The fleet repository holds exactly what Berth would render.</Empty>}
      {groups.map(
        ([title, paths]) =>
          paths.length > 0 && (
            <div key={title}>
              <h3>
                {title} ({paths.length})
              </h3>
              <ul className="plain">
                {paths.map((p) => (
                  <li key={p}>
                    <code>{p}</code>
                  </li>
                ))}
              </ul>
            </div>
          ),
      )}
      {drift.collisions.length > 0 && (
        <table>
          <caption>Collisions: files two owners would render (never written)</caption>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Owners</th>
            </tr>
          </thead>
          <tbody>
            {drift.collisions.map((c) => (
              <tr key={c.path}>
                <td>
                  <code>{c.path}</code>
                </td>
                <td>{c.owners.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
