import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@berth/client';
import { useApi } from '../../session';
import { ActionResult, ConfirmButton, formatMap, ifMatch, KeyValues, PagedView, parseMap, useAction, usePaged } from '../../components/admin';

type Tier = Schemas['QuotaTierResponse'];

/** Platform admins: quota tiers (the resources a namespace gets), created, edited, and deleted when unused. */
export default function Tiers() {
  const api = useApi();
  const list = usePaged((cursor) => unwrap(api.GET('/v1/quota-tiers', { params: { query: { cursor, limit: 100 } } })), [api]);
  const [editing, setEditing] = useState<Tier>();
  const remove = useAction();

  const deleteTier = (t: Tier) =>
    remove.run(async () => {
      await unwrap(api.DELETE('/v1/quota-tiers/{name}', { params: { path: { name: t.name }, header: { 'if-match': ifMatch(t.version) } } }));
      if (editing?.name === t.name) setEditing(undefined);
      list.reload();
    }, `Tier ${t.name} deleted.`);

  return (
    <>
      <h1>Quota tiers</h1>
      <TierForm key="create" onDone={(saved) => saved && list.reload()} />
      {editing && (
        <TierForm
          key={`${editing.name}@${editing.version}`}
          tier={editing}
          onStale={() =>
            void unwrap(api.GET('/v1/quota-tiers/{name}', { params: { path: { name: editing.name } } })).then(setEditing, () => setEditing(undefined))
          }
          onDone={(saved) => {
            setEditing(undefined);
            if (saved) list.reload();
          }}
        />
      )}
      <h2>Tiers</h2>
      <ActionResult action={remove} />
      <PagedView list={list} what="tiers" empty="No quota tier yet: create one above.">
        {(tiers) => (
          <table>
            <caption className="visually-hidden">Quota tiers</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Resources</th>
                <th scope="col">Limit range</th>
                <th scope="col">Approval</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tiers.map((t) => (
                <tr key={t.name}>
                  <td>
                    <strong>{t.name}</strong>
                    {t.displayName && <div className="muted">{t.displayName}</div>}
                  </td>
                  <td>
                    <KeyValues map={t.resources} />
                  </td>
                  <td>
                    {t.limitRange ? (
                      Object.entries(t.limitRange).map(([kind, values]) => (
                        <div key={kind}>
                          <span className="muted">{kind}:</span> <KeyValues map={values as Record<string, string>} />
                        </div>
                      ))
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td>{t.autoApprove ? 'automatic' : 'by a platform admin'}</td>
                  <td className="actions">
                    <button type="button" className="secondary" aria-label={`Edit tier ${t.name}`} onClick={() => setEditing(t)}>
                      Edit
                    </button>
                    <ConfirmButton label={`Delete tier ${t.name}`} question={`Delete tier ${t.name}?`} busy={remove.busy} onConfirm={() => deleteTier(t)}>
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

/** Creates a tier, or (with `tier`) edits it under If-Match its version. */
function TierForm({ tier, onDone, onStale }: { tier?: Tier; onDone(saved: boolean): void; onStale?(): void }) {
  const api = useApi();
  const save = useAction();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState(tier?.displayName ?? '');
  const [resources, setResources] = useState(formatMap(tier?.resources));
  const [autoApprove, setAutoApprove] = useState(tier?.autoApprove ?? true);
  const id = tier ? 'edit-tier' : 'new-tier';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save
      .run(
        async () => {
          const body = { displayName: displayName.trim() || undefined, resources: parseMap(resources, 'resources'), autoApprove };
          if (tier)
            await unwrap(api.PATCH('/v1/quota-tiers/{name}', { params: { path: { name: tier.name }, header: { 'if-match': ifMatch(tier.version) } }, body }));
          else await unwrap(api.POST('/v1/quota-tiers', { body: { ...body, name: name.trim() } }));
        },
        tier ? undefined : `Tier ${name.trim()} created.`,
      )
      .then((ok) => {
        if (!ok) return;
        if (!tier) {
          setName('');
          setDisplayName('');
          setResources('');
          setAutoApprove(true);
        }
        onDone(true);
      });
  };

  return (
    <section aria-labelledby={id} className={tier ? 'panel' : undefined}>
      <h2 id={id}>{tier ? `Edit tier ${tier.name}` : 'Create a tier'}</h2>
      <form onSubmit={submit} className="admin-form">
        <div className="grid">
          {!tier && (
            <div>
              <label htmlFor={`${id}-name`}>Name</label>
              <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
            </div>
          )}
          <div>
            <label htmlFor={`${id}-display`}>Display name</label>
            <input id={`${id}-display`} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </div>
          <div>
            <label htmlFor={`${id}-resources`}>Resources</label>
            <textarea
              id={`${id}-resources`}
              rows={4}
              required
              value={resources}
              placeholder={'requests.cpu=2\nlimits.memory=8Gi\npods=50'}
              onChange={(e) => setResources(e.target.value)}
              aria-describedby={`${id}-resources-hint`}
            />
            <p id={`${id}-resources-hint`} className="hint">
              One ResourceQuota key=quantity per line.
            </p>
          </div>
        </div>
        <label className="inline" htmlFor={`${id}-auto`}>
          <input id={`${id}-auto`} type="checkbox" checked={autoApprove} onChange={(e) => setAutoApprove(e.target.checked)} />
          Approve requests within this tier automatically
        </label>
        <ActionResult action={save} onStale={onStale} />
        <div className="buttons">
          <button type="submit" disabled={save.busy}>
            {save.busy ? 'Saving…' : tier ? 'Save tier' : 'Create tier'}
          </button>
          {tier && (
            <button type="button" className="secondary" onClick={() => onDone(false)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
