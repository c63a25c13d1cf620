import { unwrap, type Schemas } from '@berth/client';
import { useApi } from '../../session';
import {
  AdminForm,
  formatMap,
  ifMatch,
  KeyValues,
  parseMap,
  Section,
  SelectField,
  TextAreaField,
  TextField,
  Time,
  useFields,
  useVersionedRows,
  VersionedTable,
} from '../../components/admin';

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
  const rows = useVersionedRows('cluster', '/v1/clusters');

  return (
    <>
      <h1>Clusters</h1>
      <RegisterCluster onCreated={rows.list.reload} />
      {rows.editing && <EditCluster key={rows.editorKey} cluster={rows.editing} onStale={rows.reloadEditing} onDone={rows.doneEditing} />}
      <h2>Registered clusters</h2>
      <VersionedTable
        rows={rows}
        what="clusters"
        empty="No cluster registered yet: register one above."
        caption="Registered clusters"
        columns={['Delivery', 'Fleet path', 'Labels', 'Status from the cluster']}
      >
        {(c) => (
          <>
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
          </>
        )}
      </VersionedTable>
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

const DELIVERIES = [
  ['push', 'push (fleet repository)'],
  ['pull', 'pull (Flux Operator inputs)'],
] as const;

function RegisterCluster({ onCreated }: { onCreated(): void }) {
  const api = useApi();
  const f = useFields({
    name: '',
    displayName: '',
    labels: '',
    fleetPath: '',
    apiServer: '',
    credentialsRef: '',
    delivery: 'push' as 'push' | 'pull',
    pullShards: '1',
  });
  const v = f.values;

  const save = () =>
    unwrap(
      api.POST('/v1/clusters', {
        body: {
          name: v.name.trim(),
          displayName: v.displayName.trim() || undefined,
          labels: parseMap(v.labels, 'labels'),
          fleetPath: v.fleetPath.trim() || undefined,
          apiServer: v.apiServer.trim() || undefined,
          credentialsRef: v.credentialsRef.trim() || undefined,
          delivery: v.delivery,
          pullShards: v.delivery === 'pull' ? Number(v.pullShards) : 1,
        },
      }),
    );

  return (
    <Section id="register-cluster" title="Register a cluster">
      <AdminForm
        save={save}
        notice={`Cluster ${v.name.trim()} registered.`}
        onSaved={() => {
          // The delivery choice stays for the next cluster.
          f.reset('delivery', 'pullShards');
          onCreated();
        }}
        submit="Register cluster"
        submitting="Registering…"
      >
        <div className="grid">
          <TextField id="cluster-name" label="Name" required hint="A DNS label, e.g. prod-eu-1." {...f.text('name')} />
          <TextField id="cluster-display" label="Display name" {...f.text('displayName')} />
          <TextField id="cluster-fleet-path" label="Fleet path" placeholder="clusters/<name>" {...f.text('fleetPath')} />
          <SelectField id="cluster-delivery" label="Delivery" options={DELIVERIES} {...f.text('delivery')} />
          {v.delivery === 'pull' && <TextField id="cluster-shards" label="Pull shards" type="number" min={1} max={64} {...f.text('pullShards')} />}
          <TextField id="cluster-api-server" label="API server" placeholder="https://10.0.0.1:6443" {...f.text('apiServer')} />
          <TextField
            id="cluster-credentials"
            label="Credentials reference"
            hint="The name of the kubeconfig or secret Berth reads, never the credentials."
            {...f.text('credentialsRef')}
          />
          <TextAreaField id="cluster-labels" label="Labels" rows={3} hint="One key=value per line." {...f.text('labels')} />
        </div>
      </AdminForm>
    </Section>
  );
}

function EditCluster({ cluster, onDone, onStale }: { cluster: Cluster; onDone(saved: boolean): void; onStale(): void }) {
  const api = useApi();
  const f = useFields({ displayName: cluster.displayName ?? '', labels: formatMap(cluster.labels) });

  const save = () =>
    unwrap(
      api.PATCH('/v1/clusters/{name}', {
        params: { path: { name: cluster.name }, header: { 'if-match': ifMatch(cluster.version) } },
        // The generated type requires delivery and pullShards (they have defaults): send the row's own.
        body: {
          displayName: f.values.displayName.trim(),
          labels: parseMap(f.values.labels, 'labels'),
          delivery: cluster.delivery,
          pullShards: cluster.pullShards,
        },
      }),
    );

  return (
    <Section id="edit-cluster" title={`Edit cluster ${cluster.name}`} className="panel">
      <AdminForm save={save} onSaved={() => onDone(true)} submit="Save cluster" submitting="Saving…" onStale={onStale} onCancel={() => onDone(false)}>
        <TextField id="edit-cluster-display" label="Display name" {...f.text('displayName')} />
        <TextAreaField
          id="edit-cluster-labels"
          label="Labels"
          rows={4}
          hint={`One key=value per line. Saved only if nobody changed the cluster since version ${cluster.version}.`}
          {...f.text('labels')}
        />
      </AdminForm>
    </Section>
  );
}
