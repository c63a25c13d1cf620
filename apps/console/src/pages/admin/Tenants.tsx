import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { unwrap } from '@berth/client';
import { useApi } from '../../session';
import { ActionResult, KeyValues, PagedView, parseBudget, parseList, useAction, usePaged } from '../../components/admin';

/** Platform admins: every tenant with its budget and rules; each links to its admin page. */
export default function Tenants() {
  const api = useApi();
  const list = usePaged((cursor) => unwrap(api.GET('/v1/tenants', { params: { query: { cursor, limit: 100 } } })), [api]);

  return (
    <>
      <h1>Tenants</h1>
      <CreateTenant onCreated={list.reload} />
      <h2>All tenants</h2>
      <PagedView list={list} what="tenants" empty="No tenant yet: create one above.">
        {(tenants) => (
          <table>
            <caption className="visually-hidden">Tenants</caption>
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Budget</th>
                <th scope="col">Allowed clusters</th>
                <th scope="col">Allowed tiers</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((t) => (
                <tr key={t.name}>
                  <td>
                    <Link to={`/admin/tenants/${encodeURIComponent(t.name)}`}>{t.name}</Link>
                    {t.displayName && <div className="muted">{t.displayName}</div>}
                  </td>
                  <td>
                    <KeyValues map={t.budget} />
                  </td>
                  <td>{t.allowedClusters.length ? t.allowedClusters.join(', ') : <span className="muted">none</span>}</td>
                  <td>{t.allowedTiers.length ? t.allowedTiers.join(', ') : <span className="muted">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedView>
    </>
  );
}

function CreateTenant({ onCreated }: { onCreated(): void }) {
  const api = useApi();
  const create = useAction();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [budget, setBudget] = useState('');
  const [clusters, setClusters] = useState('');
  const [tiers, setTiers] = useState('');
  const [ownerKind, setOwnerKind] = useState<'User' | 'Group'>('User');
  const [owner, setOwner] = useState('');
  // The list pages by id, so a new tenant may not be on its first page: link to it from here.
  const [created, setCreated] = useState<string>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create
      .run(async () => {
        await unwrap(
          api.POST('/v1/tenants', {
            body: {
              name: name.trim(),
              displayName: displayName.trim() || undefined,
              budget: parseBudget(budget, 'budget'),
              allowedClusters: parseList(clusters),
              allowedTiers: parseList(tiers),
              owners: owner.trim() ? [{ kind: ownerKind, name: owner.trim() }] : undefined,
            },
          }),
        );
      }, `Tenant ${name.trim()} created.`)
      .then((ok) => {
        if (!ok) return;
        setCreated(name.trim());
        for (const reset of [setName, setDisplayName, setBudget, setClusters, setTiers, setOwner]) reset('');
        onCreated();
      });
  };

  return (
    <section aria-labelledby="create-tenant">
      <h2 id="create-tenant">Create a tenant</h2>
      <form onSubmit={submit} className="admin-form">
        <div className="grid">
          <div>
            <label htmlFor="tenant-name">Name</label>
            <input id="tenant-name" required value={name} onChange={(e) => setName(e.target.value)} aria-describedby="tenant-name-hint" />
            <p id="tenant-name-hint" className="hint">
              A DNS label of 2–30 characters; its namespaces are prefixed with it.
            </p>
          </div>
          <div>
            <label htmlFor="tenant-display">Display name</label>
            <input id="tenant-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </div>
          <div>
            <label htmlFor="tenant-budget">Budget</label>
            <textarea
              id="tenant-budget"
              rows={3}
              value={budget}
              placeholder={'requests.cpu=20\nlimits.memory=64Gi\nnamespaces=10'}
              onChange={(e) => setBudget(e.target.value)}
              aria-describedby="tenant-budget-hint"
            />
            <p id="tenant-budget-hint" className="hint">
              One key=value per line, summed over all the tenant&apos;s namespaces.
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
            <label htmlFor="tenant-owner-kind">First owner kind</label>
            <select id="tenant-owner-kind" value={ownerKind} onChange={(e) => setOwnerKind(e.target.value as 'User' | 'Group')}>
              <option value="User">User</option>
              <option value="Group">Group (OIDC)</option>
            </select>
            <label htmlFor="tenant-owner">First owner</label>
            <input id="tenant-owner" value={owner} onChange={(e) => setOwner(e.target.value)} />
          </div>
        </div>
        <ActionResult action={create} />
        <button type="submit" disabled={create.busy}>
          {create.busy ? 'Creating…' : 'Create tenant'}
        </button>
      </form>
      {created && (
        <p>
          <Link to={`/admin/tenants/${created}`}>Open the admin page of {created}</Link>
        </p>
      )}
    </section>
  );
}
