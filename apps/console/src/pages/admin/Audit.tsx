import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { unwrap, type Schemas } from '@berth/client';
import { useApi } from '../../session';
import { ActionError, FormError, PagedView, Time, useAction, usePaged } from '../../components/admin';

type AuditEvent = Schemas['AuditEventResponse'];

/** `datetime-local` (the viewer's local time) → ISO 8601, as the API's since/until want. */
function toIso(local: string, field: string): string | undefined {
  if (!local) return undefined;
  const at = new Date(local);
  if (Number.isNaN(at.getTime())) throw new FormError(field, `"${local}" is not a date and time`);
  return at.toISOString();
}

/** ISO 8601 → the `datetime-local` value showing it in the viewer's local time. */
function toLocal(iso: string | null): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** Platform admins: the audit trail, newest first, filtered by tenant and time (the filters live in the URL). */
export default function Audit() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const tenant = params.get('tenant') ?? '';
  const since = params.get('since') ?? '';
  const until = params.get('until') ?? '';
  const list = usePaged(
    (cursor) =>
      unwrap(
        api.GET('/v1/audit-events', {
          params: { query: { cursor, limit: 50, tenant: tenant || undefined, since: since || undefined, until: until || undefined } },
        }),
      ),
    [api, tenant, since, until],
  );

  const [tenantInput, setTenantInput] = useState(tenant);
  const [sinceInput, setSinceInput] = useState(toLocal(since));
  const [untilInput, setUntilInput] = useState(toLocal(until));
  const apply = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void apply.run(async () => {
      const next = new URLSearchParams();
      if (tenantInput.trim()) next.set('tenant', tenantInput.trim());
      const s = toIso(sinceInput, 'since');
      const u = toIso(untilInput, 'until');
      if (s) next.set('since', s);
      if (u) next.set('until', u);
      setParams(next);
    });
  };
  const clear = () => {
    setTenantInput('');
    setSinceInput('');
    setUntilInput('');
    apply.clear();
    setParams(new URLSearchParams());
  };

  return (
    <>
      <h1>Audit log</h1>
      <form onSubmit={submit} className="admin-form" aria-labelledby="audit-filters">
        <h2 id="audit-filters">Filters</h2>
        <div className="grid">
          <div>
            <label htmlFor="audit-tenant">Tenant</label>
            <input id="audit-tenant" value={tenantInput} onChange={(e) => setTenantInput(e.target.value)} />
          </div>
          <div>
            <label htmlFor="audit-since">From (your local time)</label>
            <input id="audit-since" type="datetime-local" value={sinceInput} onChange={(e) => setSinceInput(e.target.value)} />
          </div>
          <div>
            <label htmlFor="audit-until">Before (your local time)</label>
            <input id="audit-until" type="datetime-local" value={untilInput} onChange={(e) => setUntilInput(e.target.value)} />
          </div>
        </div>
        <ActionError error={apply.error} />
        <div className="buttons">
          <button type="submit">Apply filters</button>
          <button type="button" className="secondary" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>
      <h2>Events, newest first</h2>
      <PagedView list={list} what="events" empty="No audit event matches these filters.">
        {(events) => (
          <table className="audit">
            <caption className="visually-hidden">Audit events</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Tenant</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time at={e.at} />
                  </td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    <span className="muted">{e.targetType}</span> {e.targetId}
                  </td>
                  <td>{e.tenant ?? <span className="muted">—</span>}</td>
                  <td className="audit-change">
                    <Change event={e} />
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

const short = (value: unknown): string => {
  const text = value === undefined ? '∅' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** Before/after compactly: the keys that changed with old → new, the whole of both one click away. */
function Change({ event }: { event: AuditEvent }) {
  const before = (event.before ?? null) as Record<string, unknown> | null;
  const after = (event.after ?? null) as Record<string, unknown> | null;
  if (!before && !after) return <span className="muted">—</span>;
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter(
    (k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k]),
  );
  const shown = keys.slice(0, 4);
  return (
    <>
      {!before ? <span className="muted">created </span> : !after ? <span className="muted">deleted </span> : null}
      <ul className="plain">
        {shown.map((k) => (
          <li key={k}>
            {k}: {before && after ? `${short(before[k])} → ${short(after[k])}` : short((after ?? before)?.[k])}
          </li>
        ))}
        {keys.length > shown.length && <li className="muted">and {keys.length - shown.length} more</li>}
      </ul>
      <details>
        <summary>Before and after</summary>
        <pre>{JSON.stringify({ before, after }, null, 2)}</pre>
      </details>
    </>
  );
}
