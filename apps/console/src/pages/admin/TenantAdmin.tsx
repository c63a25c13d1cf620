import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { unwrap, type Schemas } from '@berth/client';
import { useLoad } from '../../api';
import { ErrorView, Loading } from '../../components/Status';
import { useApi } from '../../session';
import {
  AdminForm,
  AllowedLists,
  DeleteButton,
  formatMap,
  Hint,
  ifMatch,
  RemovableTable,
  parseBudget,
  parseList,
  parseMap,
  Section,
  SelectField,
  SUBJECT_KINDS,
  TENANT_ROLES,
  TextAreaField,
  TextField,
  Time,
  useFields,
  useRemovableList,
  type RemovableList,
  type SubjectKind,
} from '../../components/admin';

type Tenant = Schemas['TenantResponse'];
type Member = Schemas['MemberResponse'];
type ApiKey = Schemas['ApiKeyResponse'];
type Role = Member['role'];
type KeyRole = Schemas['CreateTenantApiKeyDto']['role'];

const KEY_ROLES = [...TENANT_ROLES, ['preview', 'preview (CI previews only)']] as const;

/** Platform admins: one tenant's budget and rules, its members and its API keys. */
export default function TenantAdmin() {
  const { tenant: name = '' } = useParams();
  const api = useApi();
  const tenant = useLoad(() => unwrap(api.GET('/v1/tenants/{tenant}', { params: { path: { tenant: name } } })), [api, name]);

  return (
    <>
      <h1>Tenant {name}</h1>
      <p>
        <Link to="/admin/tenants">All tenants</Link> · <Link to={`/tenants/${encodeURIComponent(name)}`}>Usage and namespaces</Link>
      </p>
      {tenant.error ? (
        <ErrorView error={tenant.error} />
      ) : !tenant.data ? (
        <Loading what="the tenant" />
      ) : (
        <>
          <BudgetForm key={tenant.data.version} tenant={tenant.data} onSaved={tenant.reload} />
          <Members tenant={name} />
          <ApiKeys tenant={name} />
        </>
      )}
    </>
  );
}

/** Budget and the allowed clusters and tiers, saved under If-Match the version this form was loaded at. */
function BudgetForm({ tenant, onSaved }: { tenant: Tenant; onSaved(): void }) {
  const api = useApi();
  const f = useFields({
    displayName: tenant.displayName ?? '',
    budget: formatMap(tenant.budget),
    clusters: tenant.allowedClusters.join(', '),
    tiers: tenant.allowedTiers.join(', '),
    labels: formatMap(tenant.labels),
    previewTier: tenant.previewTier ?? '',
    previewCluster: tenant.previewCluster ?? '',
    previewLimit: String(tenant.previewLimit),
  });
  const v = f.values;

  const save = () =>
    unwrap(
      api.PATCH('/v1/tenants/{tenant}', {
        params: { path: { tenant: tenant.name }, header: { 'if-match': ifMatch(tenant.version) } },
        body: {
          displayName: v.displayName.trim() || undefined,
          budget: parseBudget(v.budget, 'budget'),
          allowedClusters: parseList(v.clusters),
          allowedTiers: parseList(v.tiers),
          labels: parseMap(v.labels, 'labels'),
          previewTier: v.previewTier.trim() || null,
          previewCluster: v.previewCluster.trim() || null,
          previewLimit: Number(v.previewLimit),
        },
      }),
    );

  return (
    <Section id="budget" title="Budget and rules">
      <AdminForm save={save} onSaved={onSaved} submit="Save budget and rules" submitting="Saving…" onStale={onSaved}>
        <div className="grid">
          <TextAreaField
            id="tenant-budget"
            label="Budget"
            rows={4}
            hint="One key=value per line, summed over all the tenant's namespaces; namespaces caps their number."
            {...f.text('budget')}
          />
          <AllowedLists clusters={f.text('clusters')} tiers={f.text('tiers')} />
          <div>
            <TextField id="tenant-display" label="Display name" {...f.text('displayName')} />
            <TextAreaField id="tenant-labels" label="Labels" rows={2} {...f.text('labels')} />
          </div>
          <div>
            <TextField id="tenant-preview-tier" label="Preview tier" aria-describedby="tenant-preview-hint" {...f.text('previewTier')} />
            <TextField id="tenant-preview-cluster" label="Preview cluster" aria-describedby="tenant-preview-hint" {...f.text('previewCluster')} />
            <TextField id="tenant-preview-limit" label="Previews at once" type="number" min={0} max={1000} {...f.text('previewLimit')} />
            <Hint id="tenant-preview-hint">Defaults of pull-request previews; empty for none.</Hint>
          </div>
        </div>
        <p className="hint">
          Version {tenant.version}, updated <Time at={tenant.updatedAt} />. Saved only if nobody changed the tenant since.
        </p>
      </AdminForm>
    </Section>
  );
}

/** The rows of a tenant's collections that the admin page lists and deletes by id. */
interface TenantRows {
  members: Member;
  'api-keys': ApiKey;
}

/** One of a tenant's collections, paged; a row is deleted by its id (no If-Match: these rows are never edited). */
function useTenantRows<C extends keyof TenantRows>(tenant: string, collection: C, removed: string): RemovableList<TenantRows[C]> {
  const api = useApi();
  const path = `/v1/tenants/{tenant}/${collection as keyof TenantRows}` as const;
  // The client types the union of both paths: the collection's own row type is TenantRows[C].
  return useRemovableList<TenantRows[keyof TenantRows]>({
    page: (cursor) => unwrap(api.GET(path, { params: { path: { tenant }, query: { cursor, limit: 100 } } })),
    remove: (row) => unwrap(api.DELETE(`${path}/{id}`, { params: { path: { tenant, id: row.id } } })),
    removed: () => removed,
    deps: [api, tenant, collection],
  }) as RemovableList<TenantRows[C]>;
}

function Members({ tenant }: { tenant: string }) {
  const api = useApi();
  const rows = useTenantRows(tenant, 'members', 'Member removed.');
  const f = useFields({ kind: 'User' as SubjectKind, subject: '', role: 'developer' as Role });
  const v = f.values;

  const add = () =>
    unwrap(
      api.POST('/v1/tenants/{tenant}/members', { params: { path: { tenant } }, body: { subject: { kind: v.kind, name: v.subject.trim() }, role: v.role } }),
    );

  return (
    <Section id="members" title="Members">
      <RemovableTable rows={rows} what="members" empty="No member yet." caption={`Members of ${tenant}`} columns={['Subject', 'Role', 'Added', 'Actions']}>
        {(m) => (
          <tr key={m.id}>
            <td>
              <span className="muted">{m.subject.kind}</span> {m.subject.name}
            </td>
            <td>{m.role}</td>
            <td>
              <Time at={m.createdAt} />
            </td>
            <td>
              <DeleteButton
                remove={rows.remove}
                row={m}
                label={`Remove ${m.subject.kind} ${m.subject.name}`}
                question={`Remove ${m.subject.name} from ${tenant}?`}
              >
                Remove
              </DeleteButton>
            </td>
          </tr>
        )}
      </RemovableTable>
      <AdminForm
        heading={{ id: 'add-member', text: 'Add a member' }}
        save={add}
        notice={`${v.subject.trim()} added as ${v.role}.`}
        onSaved={() => {
          f.reset('kind', 'role');
          rows.list.reload();
        }}
        submit="Add member"
        submitting="Adding…"
      >
        <div className="grid">
          <SelectField id="member-kind" label="Kind" options={SUBJECT_KINDS} {...f.text('kind')} />
          <TextField id="member-name" label="User or group name" required {...f.text('subject')} />
          <SelectField id="member-role" label="Role" options={TENANT_ROLES} {...f.text('role')} />
        </div>
      </AdminForm>
    </Section>
  );
}

function ApiKeys({ tenant }: { tenant: string }) {
  const api = useApi();
  const rows = useTenantRows(tenant, 'api-keys', 'Key revoked: it no longer signs in.');
  const f = useFields({ name: '', role: 'developer' as KeyRole });
  const [secret, setSecret] = useState<{ name: string; key: string }>();

  const create = async () => {
    const created = await unwrap(
      api.POST('/v1/tenants/{tenant}/api-keys', { params: { path: { tenant } }, body: { name: f.values.name.trim(), role: f.values.role } }),
    );
    setSecret({ name: created.name, key: created.key });
  };

  return (
    <Section id="api-keys" title="API keys">
      {secret && <NewKey key={secret.key} secret={secret} onDismiss={() => setSecret(undefined)} />}
      <RemovableTable
        rows={rows}
        what="API keys"
        empty="No API key for this tenant."
        caption={`API keys of ${tenant}`}
        columns={['Name', 'Role', 'Acts for', 'Created', 'Last used', 'Actions']}
      >
        {(k) => (
          <tr key={k.id}>
            <td>{k.name}</td>
            <td>{k.role}</td>
            <td>{k.accountable}</td>
            <td>
              <Time at={k.createdAt} />
            </td>
            <td>
              <Time at={k.lastUsedAt} />
            </td>
            <td>
              {k.revokedAt ? (
                <span className="muted">
                  revoked <Time at={k.revokedAt} />
                </span>
              ) : (
                <DeleteButton remove={rows.remove} row={k} label={`Revoke key ${k.name}`} question={`Revoke ${k.name}?`}>
                  Revoke
                </DeleteButton>
              )}
            </td>
          </tr>
        )}
      </RemovableTable>
      <AdminForm
        heading={{ id: 'create-key', text: 'Create an API key' }}
        save={create}
        onSaved={() => {
          f.reset('role');
          rows.list.reload();
        }}
        submit="Create key"
        submitting="Creating…"
      >
        <div className="grid">
          <TextField id="key-name" label="Key name" required {...f.text('name')} />
          <SelectField id="key-role" label="Key role" options={KEY_ROLES} {...f.text('role')} />
        </div>
      </AdminForm>
    </Section>
  );
}

/** A new key's secret, shown once: Berth keeps only its hash. */
function NewKey({ secret, onDismiss }: { secret: { name: string; key: string }; onDismiss(): void }) {
  const [copied, setCopied] = useState<string>();
  const copy = () =>
    navigator.clipboard.writeText(secret.key).then(
      () => setCopied('Copied to the clipboard.'),
      () => setCopied('The browser refused the clipboard: select the key and copy it by hand.'),
    );

  return (
    <div className="panel secret" role="region" aria-labelledby="new-key">
      <h3 id="new-key">New key {secret.name}</h3>
      <p>Copy it now: Berth keeps only its hash and will not show it again.</p>
      <p>
        <code data-testid="new-api-key">{secret.key}</code>
      </p>
      <div className="buttons">
        <button type="button" onClick={() => void copy()}>
          Copy key
        </button>
        <button type="button" className="secondary" onClick={onDismiss}>
          Dismiss
        </button>
        <span role="status">{copied}</span>
      </div>
    </div>
  );
}
