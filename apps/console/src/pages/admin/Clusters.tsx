import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@berth/client';
import { useApi } from '../../session';
import { ActionResult, ConfirmButton, formatMap, ifMatch, KeyValues, PagedView, parseMap, Time, useAction, usePaged } from '../../components/admin';

type Cluster = Schemas['ClusterResponse'];
/** What the status reader last saw (the schema leaves its shape open). */
interface ClusterStatus {
  ready?: boolean | null;
  revision?: string | null;
  message?: string | null;
  checkedAt?: string | null;
}

/** Platform admins: the clusters Berth delivers to, how, and what each last reported. */
export default function Clusters() {
  const api = useApi();
  const list = usePaged((cursor) => unwrap(api.GET('/v1/clusters', { params: { query: { cursor, limit: 100 } } })), [api]);
  const [editing, setEditing] = useState<Cluster>();
  const remove = useAction();

  const deleteCluster = (c: Cluster) =>
    remove.run(async () => {
      await unwrap(api.DELETE('/v1/clusters/{name}', { params: { path: { name: c.name }, header: { 'if-match': ifMatch(c.version) } } }));
      if (editing?.name === c.name) setEditing(undefined);
      list.reload();
    }, `Cluster ${c.name} deleted.`);

  return (
    <>
      <h1>Clusters</h1>
      <RegisterCluster onCreated={list.reload} />
      {editing && (
        <EditCluster
          key={`${editing.name}@${editing.version}`}
          cluster={editing}
          onStale={() =>
            void unwrap(api.GET('/v1/clusters/{name}', { params: { path: { name: editing.name } } })).then(setEditing, () => setEditing(undefined))
          }
          onDone={(saved) => {
            setEditing(undefined);
            if (saved) list.reload();
          }}
        />
      )}
      <h2>Registered clusters</h2>
      <ActionResult action={remove} />
      <PagedView list={list} what="clusters" empty="No cluster registered yet: register one above.">
        {(clusters) => (
          <table>
            <caption className="visually-hidden">Registered clusters</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Delivery</th>
                <th scope="col">Fleet path</th>
                <th scope="col">Labels</th>
                <th scope="col">Status from the cluster</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {clusters.map((c) => (
                <tr key={c.name}>
                  <td>
                    <strong>{c.name}</strong>
                    {c.displayName && <div className="muted">{c.displayName}</div>}
                  </td>
                  <td>
                    {c.delivery}
                    {c.delivery === 'pull' && c.pullShards > 1 && <div className="muted">{c.pullShards} shards</div>}
                  </td>
                  <td>
                    <code>{c.fleetPath}</code>
                  </td>
                  <td>
                    <KeyValues map={c.labels} />
                  </td>
                  <td>
                    <StatusCell status={c.status as unknown as ClusterStatus | null} />
                  </td>
                  <td className="actions">
                    <button type="button" className="secondary" aria-label={`Edit cluster ${c.name}`} onClick={() => setEditing(c)}>
                      Edit
                    </button>
                    <ConfirmButton
                      label={`Delete cluster ${c.name}`}
                      question={`Delete cluster ${c.name}?`}
                      busy={remove.busy}
                      onConfirm={() => deleteCluster(c)}
                    >
                      Delete
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedView>
    </>
  );
}

function StatusCell({ status }: { status: ClusterStatus | null }) {
  if (!status) return <span className="muted">not read yet</span>;
  const state = status.ready === true ? 'Ready' : status.ready === false ? 'Not ready' : 'Unknown';
  return (
    <>
      <span className={`badge ${status.ready === true ? 'ok' : status.ready === false ? 'bad' : ''}`}>{state}</span>
      {status.revision && (
        <div>
          <code>{status.revision}</code>
        </div>
      )}
      {status.message && <div className="muted">{status.message}</div>}
      <div className="muted">
        checked <Time at={status.checkedAt} />
      </div>
    </>
  );
}

function RegisterCluster({ onCreated }: { onCreated(): void }) {
  const api = useApi();
  const create = useAction();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [labels, setLabels] = useState('');
  const [fleetPath, setFleetPath] = useState('');
  const [apiServer, setApiServer] = useState('');
  const [credentialsRef, setCredentialsRef] = useState('');
  const [delivery, setDelivery] = useState<'push' | 'pull'>('push');
  const [pullShards, setPullShards] = useState('1');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create
      .run(async () => {
        await unwrap(
          api.POST('/v1/clusters', {
            body: {
              name: name.trim(),
              displayName: displayName.trim() || undefined,
              labels: parseMap(labels, 'labels'),
              fleetPath: fleetPath.trim() || undefined,
              apiServer: apiServer.trim() || undefined,
              credentialsRef: credentialsRef.trim() || undefined,
              delivery,
              pullShards: delivery === 'pull' ? Number(pullShards) : 1,
            },
          }),
        );
      }, `Cluster ${name.trim()} registered.`)
      .then((ok) => {
        if (!ok) return;
        setName('');
        setDisplayName('');
        setLabels('');
        setFleetPath('');
        setApiServer('');
        setCredentialsRef('');
        onCreated();
      });
  };

  return (
    <section aria-labelledby="register-cluster">
      <h2 id="register-cluster">Register a cluster</h2>
      <form onSubmit={submit} className="admin-form">
        <div className="grid">
          <div>
            <label htmlFor="cluster-name">Name</label>
            <input id="cluster-name" required value={name} onChange={(e) => setName(e.target.value)} aria-describedby="cluster-name-hint" />
            <p id="cluster-name-hint" className="hint">
              A DNS label, e.g. prod-eu-1.
            </p>
          </div>
          <div>
            <label htmlFor="cluster-display">Display name</label>
            <input id="cluster-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </div>
          <div>
            <label htmlFor="cluster-fleet-path">Fleet path</label>
            <input id="cluster-fleet-path" value={fleetPath} placeholder="clusters/<name>" onChange={(e) => setFleetPath(e.target.value)} />
          </div>
          <div>
            <label htmlFor="cluster-delivery">Delivery</label>
            <select id="cluster-delivery" value={delivery} onChange={(e) => setDelivery(e.target.value as 'push' | 'pull')}>
              <option value="push">push (fleet repository)</option>
              <option value="pull">pull (Flux Operator inputs)</option>
            </select>
          </div>
          {delivery === 'pull' && (
            <div>
              <label htmlFor="cluster-shards">Pull shards</label>
              <input id="cluster-shards" type="number" min={1} max={64} value={pullShards} onChange={(e) => setPullShards(e.target.value)} />
            </div>
          )}
          <div>
            <label htmlFor="cluster-api-server">API server</label>
            <input id="cluster-api-server" value={apiServer} placeholder="https://10.0.0.1:6443" onChange={(e) => setApiServer(e.target.value)} />
          </div>
          <div>
            <label htmlFor="cluster-credentials">Credentials reference</label>
            <input
              id="cluster-credentials"
              value={credentialsRef}
              onChange={(e) => setCredentialsRef(e.target.value)}
              aria-describedby="cluster-credentials-hint"
            />
            <p id="cluster-credentials-hint" className="hint">
              The name of the kubeconfig or secret Berth reads, never the credentials.
            </p>
          </div>
          <div>
            <label htmlFor="cluster-labels">Labels</label>
            <textarea id="cluster-labels" rows={3} value={labels} onChange={(e) => setLabels(e.target.value)} aria-describedby="cluster-labels-hint" />
            <p id="cluster-labels-hint" className="hint">
              One key=value per line.
            </p>
          </div>
        </div>
        <ActionResult action={create} />
        <button type="submit" disabled={create.busy}>
          {create.busy ? 'Registering…' : 'Register cluster'}
        </button>
      </form>
    </section>
  );
}

function EditCluster({ cluster, onDone, onStale }: { cluster: Cluster; onDone(saved: boolean): void; onStale(): void }) {
  const api = useApi();
  const save = useAction();
  const [displayName, setDisplayName] = useState(cluster.displayName ?? '');
  const [labels, setLabels] = useState(formatMap(cluster.labels));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save
      .run(async () => {
        await unwrap(
          api.PATCH('/v1/clusters/{name}', {
            params: { path: { name: cluster.name }, header: { 'if-match': ifMatch(cluster.version) } },
            // The generated type requires delivery and pullShards (they have defaults): send the row's own.
            body: { displayName: displayName.trim(), labels: parseMap(labels, 'labels'), delivery: cluster.delivery, pullShards: cluster.pullShards },
          }),
        );
      })
      .then((ok) => ok && onDone(true));
  };

  return (
    <section aria-labelledby="edit-cluster" className="panel">
      <h2 id="edit-cluster">Edit cluster {cluster.name}</h2>
      <form onSubmit={submit} className="admin-form">
        <label htmlFor="edit-cluster-display">Display name</label>
        <input id="edit-cluster-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        <label htmlFor="edit-cluster-labels">Labels</label>
        <textarea id="edit-cluster-labels" rows={4} value={labels} onChange={(e) => setLabels(e.target.value)} aria-describedby="edit-cluster-labels-hint" />
        <p id="edit-cluster-labels-hint" className="hint">
          One key=value per line. Saved only if nobody changed the cluster since version {cluster.version}.
        </p>
        <ActionResult action={save} onStale={onStale} />
        <div className="buttons">
          <button type="submit" disabled={save.busy}>
            {save.busy ? 'Saving…' : 'Save cluster'}
          </button>
          <button type="button" className="secondary" onClick={() => onDone(false)}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
