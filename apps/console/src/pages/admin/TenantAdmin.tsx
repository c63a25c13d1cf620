import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { unwrap, type Schemas } from '@berth/client';
import { useLoad } from '../../api';
import { ErrorView, Loading } from '../../components/Status';
import { useApi } from '../../session';
import {
  ActionResult,
  ConfirmButton,
  formatMap,
  ifMatch,
  PagedView,
  parseBudget,
  parseList,
  parseMap,
  Time,
  useAction,
  usePaged,
} from '../../components/admin';

type Tenant = Schemas['TenantResponse'];
type Role = Schemas['MemberResponse']['role'];
type KeyRole = Schemas['CreateTenantApiKeyDto']['role'];

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
  const save = useAction();
  const [displayName, setDisplayName] = useState(tenant.displayName ?? '');
  const [budget, setBudget] = useState(formatMap(tenant.budget));
  const [clusters, setClusters] = useState(tenant.allowedClusters.join(', '));
  const [tiers, setTiers] = useState(tenant.allowedTiers.join(', '));
  const [labels, setLabels] = useState(formatMap(tenant.labels));
  const [previewTier, setPreviewTier] = useState(tenant.previewTier ?? '');
  const [previewCluster, setPreviewCluster] = useState(tenant.previewCluster ?? '');
  const [previewLimit, setPreviewLimit] = useState(String(tenant.previewLimit));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save
      .run(async () => {
        await unwrap(
          api.PATCH('/v1/tenants/{tenant}', {
            params: { path: { tenant: tenant.name }, header: { 'if-match': ifMatch(tenant.version) } },
            body: {
              displayName: displayName.trim() || undefined,
              budget: parseBudget(budget, 'budget'),
              allowedClusters: parseList(clusters),
              allowedTiers: parseList(tiers),
              labels: parseMap(labels, 'labels'),
              previewTier: previewTier.trim() || null,
              previewCluster: previewCluster.trim() || null,
              previewLimit: Number(previewLimit),
            },
          }),
        );
      })
      .then((ok) => ok && onSaved());
  };

  return (
    <section aria-labelledby="budget">
      <h2 id="budget">Budget and rules</h2>
      <form onSubmit={submit} className="admin-form">
        <div className="grid">
          <div>
            <label htmlFor="tenant-budget">Budget</label>
            <textarea id="tenant-budget" rows={4} value={budget} onChange={(e) => setBudget(e.target.value)} aria-describedby="tenant-budget-hint" />
            <p id="tenant-budget-hint" className="hint">
              One key=value per line, summed over all the tenant&apos;s namespaces; namespaces caps their number.
            </p>
          </div>
          <div>
            <label htmlFor="tenant-clusters">Allowed clusters</label>
            <input id="tenant-clusters" value={clusters} onChange={(e) => setClusters(e.target.value)} aria-describedby="tenant-list-hint" />
            <label htmlFor="tenant-tiers">Allowed tiers</label>
            <input id="tenant-tiers" value={tiers} onChange={(e) => setTiers(e.target.value)} aria-describedby="tenant-list-hint" />
            <p id="tenant-list-hint" className="hint">
              Names separated by commas.
            </p>
          </div>
          <div>
            <label htmlFor="tenant-display">Display name</label>
            <input id="tenant-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
            <label htmlFor="tenant-labels">Labels</label>
            <textarea id="tenant-labels" rows={2} value={labels} onChange={(e) => setLabels(e.target.value)} />
          </div>
          <div>
            <label htmlFor="tenant-preview-tier">Preview tier</label>
            <input id="tenant-preview-tier" value={previewTier} onChange={(e) => setPreviewTier(e.target.value)} aria-describedby="tenant-preview-hint" />
            <label htmlFor="tenant-preview-cluster">Preview cluster</label>
            <input
              id="tenant-preview-cluster"
              value={previewCluster}
              onChange={(e) => setPreviewCluster(e.target.value)}
              aria-describedby="tenant-preview-hint"
            />
            <label htmlFor="tenant-preview-limit">Previews at once</label>
            <input id="tenant-preview-limit" type="number" min={0} max={1000} value={previewLimit} onChange={(e) => setPreviewLimit(e.target.value)} />
            <p id="tenant-preview-hint" className="hint">
              Defaults of pull-request previews; empty for none.
            </p>
          </div>
        </div>
        <p className="hint">
          Version {tenant.version}, updated <Time at={tenant.updatedAt} />. Saved only if nobody changed the tenant since.
        </p>
        <ActionResult action={save} onStale={onSaved} />
        <button type="submit" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save budget and rules'}
        </button>
      </form>
    </section>
  );
}

function Members({ tenant }: { tenant: string }) {
  const api = useApi();
  const list = usePaged(
    (cursor) => unwrap(api.GET('/v1/tenants/{tenant}/members', { params: { path: { tenant }, query: { cursor, limit: 100 } } })),
    [api, tenant],
  );
  const add = useAction();
  const remove = useAction();
  const [kind, setKind] = useState<'User' | 'Group'>('User');
  const [subject, setSubject] = useState('');
  const [role, setRole] = useState<Role>('developer');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void add
      .run(async () => {
        await unwrap(api.POST('/v1/tenants/{tenant}/members', { params: { path: { tenant } }, body: { subject: { kind, name: subject.trim() }, role } }));
      }, `${subject.trim()} added as ${role}.`)
      .then((ok) => {
        if (!ok) return;
        setSubject('');
        list.reload();
      });
  };
  const removeMember = (id: string) =>
    remove.run(async () => {
      await unwrap(api.DELETE('/v1/tenants/{tenant}/members/{id}', { params: { path: { tenant, id } } }));
      list.reload();
    }, 'Member removed.');

  return (
    <section aria-labelledby="members">
      <h2 id="members">Members</h2>
      <ActionResult action={remove} />
      <PagedView list={list} what="members" empty="No member yet.">
        {(members) => (
          <table>
            <caption className="visually-hidden">Members of {tenant}</caption>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">Role</th>
                <th scope="col">Added</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id}>
                  <td>
                    <span className="muted">{m.subject.kind}</span> {m.subject.name}
                  </td>
                  <td>{m.role}</td>
                  <td>
                    <Time at={m.createdAt} />
                  </td>
                  <td>
                    <ConfirmButton
                      label={`Remove ${m.subject.kind} ${m.subject.name}`}
                      question={`Remove ${m.subject.name} from ${tenant}?`}
                      busy={remove.busy}
                      onConfirm={() => removeMember(m.id)}
                    >
                      Remove
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedView>
      <form onSubmit={submit} className="admin-form" aria-labelledby="add-member">
        <h3 id="add-member">Add a member</h3>
        <div className="grid">
          <div>
            <label htmlFor="member-kind">Kind</label>
            <select id="member-kind" value={kind} onChange={(e) => setKind(e.target.value as 'User' | 'Group')}>
              <option value="User">User</option>
              <option value="Group">Group (OIDC)</option>
            </select>
          </div>
          <div>
            <label htmlFor="member-name">User or group name</label>
            <input id="member-name" required value={subject} onChange={(e) => setSubject(e.target.value)} />
          </div>
          <div>
            <label htmlFor="member-role">Role</label>
            <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="viewer">viewer</option>
              <option value="developer">developer</option>
              <option value="owner">owner</option>
            </select>
          </div>
        </div>
        <ActionResult action={add} />
        <button type="submit" disabled={add.busy}>
          {add.busy ? 'Adding…' : 'Add member'}
        </button>
      </form>
    </section>
  );
}

function ApiKeys({ tenant }: { tenant: string }) {
  const api = useApi();
  const list = usePaged(
    (cursor) => unwrap(api.GET('/v1/tenants/{tenant}/api-keys', { params: { path: { tenant }, query: { cursor, limit: 100 } } })),
    [api, tenant],
  );
  const create = useAction();
  const revoke = useAction();
  const [name, setName] = useState('');
  const [role, setRole] = useState<KeyRole>('developer');
  const [secret, setSecret] = useState<{ name: string; key: string }>();
  const [copied, setCopied] = useState<string>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create
      .run(async () => {
        const created = await unwrap(api.POST('/v1/tenants/{tenant}/api-keys', { params: { path: { tenant } }, body: { name: name.trim(), role } }));
        setSecret({ name: created.name, key: created.key });
        setCopied(undefined);
      })
      .then((ok) => {
        if (!ok) return;
        setName('');
        list.reload();
      });
  };
  const revokeKey = (id: string) =>
    revoke.run(async () => {
      await unwrap(api.DELETE('/v1/tenants/{tenant}/api-keys/{id}', { params: { path: { tenant, id } } }));
      list.reload();
    }, 'Key revoked: it no longer signs in.');
  const copy = (key: string) =>
    navigator.clipboard.writeText(key).then(
      () => setCopied('Copied to the clipboard.'),
      () => setCopied('The browser refused the clipboard: select the key and copy it by hand.'),
    );

  return (
    <section aria-labelledby="api-keys">
      <h2 id="api-keys">API keys</h2>
      {secret && (
        <div className="panel secret" role="region" aria-labelledby="new-key">
          <h3 id="new-key">New key {secret.name}</h3>
          <p>Copy it now: Berth keeps only its hash and will not show it again.</p>
          <p>
            <code data-testid="new-api-key">{secret.key}</code>
          </p>
          <div className="buttons">
            <button type="button" onClick={() => void copy(secret.key)}>
              Copy key
            </button>
            <button type="button" className="secondary" onClick={() => setSecret(undefined)}>
              Dismiss
            </button>
            <span role="status">{copied}</span>
          </div>
        </div>
      )}
      <ActionResult action={revoke} />
      <PagedView list={list} what="API keys" empty="No API key for this tenant.">
        {(keys) => (
          <table>
            <caption className="visually-hidden">API keys of {tenant}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Acts for</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
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
                      <ConfirmButton label={`Revoke key ${k.name}`} question={`Revoke ${k.name}?`} busy={revoke.busy} onConfirm={() => revokeKey(k.id)}>
                        Revoke
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedView>
      <form onSubmit={submit} className="admin-form" aria-labelledby="create-key">
        <h3 id="create-key">Create an API key</h3>
        <div className="grid">
          <div>
            <label htmlFor="key-name">Key name</label>
            <input id="key-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div>
            <label htmlFor="key-role">Key role</label>
            <select id="key-role" value={role} onChange={(e) => setRole(e.target.value as KeyRole)}>
              <option value="viewer">viewer</option>
              <option value="developer">developer</option>
              <option value="owner">owner</option>
              <option value="preview">preview (CI previews only)</option>
            </select>
          </div>
        </div>
        <ActionResult action={create} />
        <button type="submit" disabled={create.busy}>
          {create.busy ? 'Creating…' : 'Create key'}
        </button>
      </form>
    </section>
  );
}
