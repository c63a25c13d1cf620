import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { unwrap, type ErrorResponse, type Schemas } from '@berth/client';
import { allPages, asErrorResponse, useLoad } from '../api';
import { DecisionView, StateBadge, type Decision } from '../components/Reasons';
import { ErrorView, Loading } from '../components/Status';
import { useApi } from '../session';

type Body = Schemas['CreateNamespaceRequestDto'];
type NetworkPolicy = NonNullable<Body['networkPolicy']>;

const RESOURCE_KEYS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'requests.storage', 'pods'];
const ROLES = ['view', 'edit', 'admin'];
const DRY_RUN_DELAY_MS = 400;

interface Access {
  kind: 'User' | 'Group';
  name: string;
  role: string;
}
interface Label {
  key: string;
  value: string;
}
interface Form {
  name: string;
  cluster: string;
  mode: 'tier' | 'resources';
  tier: string;
  resources: Record<string, string>;
  access: Access[];
  labels: Label[];
  networkPolicy: NetworkPolicy;
  ttl: string;
  reason: string;
}

/** One reason or validation error, wherever it came from, with the form field it belongs next to. */
interface Problem {
  field?: string;
  code: string;
  message: string;
  severity?: string;
  limit?: string | number;
  requested?: string;
  used?: string;
}

function bodyOf(form: Form): Body {
  const body: Body = { name: form.name.trim(), cluster: form.cluster, networkPolicy: form.networkPolicy };
  if (form.mode === 'tier') {
    if (form.tier) body.tier = form.tier;
  } else {
    const resources = Object.fromEntries(Object.entries(form.resources).filter(([, v]) => v.trim() !== ''));
    body.resources = Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, v.trim()]));
  }
  const access = form.access.filter((a) => a.name.trim());
  if (access.length) body.access = access.map((a) => ({ subject: { kind: a.kind, name: a.name.trim() }, role: a.role }));
  const labels = form.labels.filter((l) => l.key.trim());
  if (labels.length) body.labels = Object.fromEntries(labels.map((l) => [l.key.trim(), l.value]));
  if (form.ttl.trim()) body.ttl = form.ttl.trim();
  if (form.reason.trim()) body.reason = form.reason.trim();
  return body;
}

/** The form slot a reason's field belongs to (`resources.limits.memory` next to its input, `access[0].role` by the access list). */
function slotOf(field: string | undefined, form: Form): string {
  if (!field) return 'general';
  const resource = /^resources\.(.+)$/.exec(field)?.[1];
  if (resource !== undefined) return form.mode === 'tier' ? 'tier' : RESOURCE_KEYS.includes(resource) ? `resources.${resource}` : 'resources';
  if (field === 'resources') return form.mode === 'tier' ? 'tier' : 'resources';
  const head = /^[A-Za-z]+/.exec(field)?.[0] ?? '';
  if (['name', 'cluster', 'tier', 'access', 'labels', 'networkPolicy', 'ttl', 'reason'].includes(head)) return head;
  return 'general';
}

const slotId = (slot: string) => `why-${slot.replace(/[^A-Za-z0-9]/g, '-')}`;

function FieldReasons({ slot, problems }: { slot: string; problems: Map<string, Problem[]> }) {
  const mine = problems.get(slot) ?? [];
  return (
    <ul id={slotId(slot)} className="field-reasons" aria-live="polite">
      {mine.map((p, i) => (
        <li key={i} className={`reason reason-${p.severity ?? 'deny'}`}>
          <span className="code">{p.code}</span> {p.message}
          {p.limit && <span className="figures"> (limit {p.limit})</span>}
        </li>
      ))}
    </ul>
  );
}

/** Props that tie an input to the reasons shown next to it. */
function describedBy(slot: string, problems: Map<string, Problem[]>) {
  const mine = problems.get(slot) ?? [];
  return { 'aria-describedby': slotId(slot), 'aria-invalid': mine.some((p) => p.severity !== 'needs-approval') || undefined };
}

export default function RequestForm() {
  const { tenant = '' } = useParams();
  const api = useApi();
  const options = useLoad(async () => {
    const [t, clusters, tiers] = await Promise.all([
      unwrap(api.GET('/v1/tenants/{tenant}', { params: { path: { tenant } } })),
      allPages((cursor) => unwrap(api.GET('/v1/clusters', { params: { query: { cursor, limit: 200 } } }))),
      allPages((cursor) => unwrap(api.GET('/v1/quota-tiers', { params: { query: { cursor, limit: 200 } } }))),
    ]);
    const allowedClusters = t.allowedClusters.length ? t.allowedClusters : clusters.map((c) => c.name);
    const allowedTiers = t.allowedTiers.length ? tiers.filter((x) => t.allowedTiers.includes(x.name)) : tiers;
    return { tenant: t, clusters: allowedClusters, tiers: allowedTiers };
  }, [api, tenant]);

  return (
    <>
      <p className="crumbs">
        <Link to={`/tenants/${tenant}`}>Tenant {tenant}</Link>
      </p>
      <h1>Request a namespace</h1>
      {options.error && <ErrorView error={options.error} />}
      {options.loading && !options.data && <Loading what="clusters and tiers" />}
      {options.data && <RequestFormBody tenant={tenant} clusters={options.data.clusters} tiers={options.data.tiers} />}
    </>
  );
}

function RequestFormBody({ tenant, clusters, tiers }: { tenant: string; clusters: string[]; tiers: Schemas['QuotaTierResponse'][] }) {
  const api = useApi();
  const [form, setForm] = useState<Form>({
    name: `${tenant}-`,
    cluster: clusters.length === 1 ? clusters[0] : '',
    mode: 'tier',
    tier: tiers.length === 1 ? tiers[0].name : '',
    resources: Object.fromEntries(RESOURCE_KEYS.map((k) => [k, ''])),
    access: [],
    labels: [],
    networkPolicy: 'isolated',
    ttl: '',
    reason: '',
  });
  const [touched, setTouched] = useState(false);
  const [check, setCheck] = useState<{ decision?: Decision; error?: ErrorResponse; checking: boolean }>({ checking: false });
  const [submitted, setSubmitted] = useState<{ request?: Schemas['NamespaceRequestResponse']; error?: ErrorResponse }>();
  const [busy, setBusy] = useState(false);
  const generation = useRef(0);
  const body = useMemo(() => bodyOf(form), [form]);
  const bodyJson = JSON.stringify(body);

  const update = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setTouched(true);
    setSubmitted(undefined);
  };

  // Live dry run, debounced: policy decides on what is typed so far, nothing is stored.
  useEffect(() => {
    if (!touched) return;
    const mine = ++generation.current;
    setCheck((c) => ({ ...c, checking: true }));
    const timer = setTimeout(() => {
      unwrap(
        api.POST('/v1/tenants/{tenant}/namespace-requests', { params: { path: { tenant }, query: { dryRun: 'true' } }, body: JSON.parse(bodyJson) as Body }),
      ).then(
        (answer) => {
          if (mine !== generation.current) return;
          setCheck({ decision: (answer as unknown as Schemas['DryRunResponse']).decision, checking: false });
        },
        (failure: unknown) => {
          if (mine !== generation.current) return;
          setCheck({ error: asErrorResponse(failure), checking: false });
        },
      );
    }, DRY_RUN_DELAY_MS);
    return () => clearTimeout(timer);
  }, [api, tenant, bodyJson, touched]);

  const problems = useMemo(() => {
    const all: Problem[] = submitted?.error?.details ?? check.decision?.reasons ?? check.error?.details ?? [];
    const map = new Map<string, Problem[]>();
    for (const p of all) {
      const slot = slotOf(p.field, form);
      map.set(slot, [...(map.get(slot) ?? []), p]);
    }
    return map;
  }, [check, submitted, form]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const request = await unwrap(api.POST('/v1/tenants/{tenant}/namespace-requests', { params: { path: { tenant } }, body }));
      setSubmitted({ request: request as unknown as Schemas['NamespaceRequestResponse'] });
    } catch (failure) {
      setSubmitted({ error: asErrorResponse(failure) });
    } finally {
      setBusy(false);
    }
  };

  const setAccess = (i: number, patch: Partial<Access>) => update({ access: form.access.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
  const setLabel = (i: number, patch: Partial<Label>) => update({ labels: form.labels.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const selectedTier = tiers.find((t) => t.name === form.tier);
  const decision = check.decision;

  return (
    <form className="request-form" onSubmit={submit} noValidate>
      <div className="policy-check" aria-live="polite">
        {!touched && <p className="muted">Policy checks the request as you type; nothing is sent until you submit.</p>}
        {touched && check.checking && <p className="muted">Checking with policy…</p>}
        {touched && !check.checking && decision && (
          <p className={`outcome outcome-${decision.outcome}`}>
            Dry run:{' '}
            <strong>
              {decision.outcome === 'approve'
                ? 'would be approved at once'
                : decision.outcome === 'needs-approval'
                  ? 'would need a platform admin’s approval'
                  : 'would be denied'}
            </strong>
            {decision.reasons.length > 0 && ` — ${decision.reasons.length} reason${decision.reasons.length === 1 ? '' : 's'}, shown by their fields`}
          </p>
        )}
        {touched && !check.checking && check.error && <p className="outcome outcome-deny">Dry run: {check.error.message}</p>}
      </div>
      <FieldReasons slot="general" problems={problems} />

      <div className="field">
        <label htmlFor="ns-name">Namespace name</label>
        <input
          id="ns-name"
          value={form.name}
          onChange={(e) => update({ name: e.target.value })}
          autoComplete="off"
          spellCheck={false}
          {...describedBy('name', problems)}
        />
        <p className="hint">A DNS label starting with {tenant}-</p>
        <FieldReasons slot="name" problems={problems} />
      </div>

      <div className="field">
        <label htmlFor="ns-cluster">Cluster</label>
        <select id="ns-cluster" value={form.cluster} onChange={(e) => update({ cluster: e.target.value })} {...describedBy('cluster', problems)}>
          <option value="">Choose a cluster</option>
          {clusters.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <FieldReasons slot="cluster" problems={problems} />
      </div>

      <fieldset>
        <legend>Quota</legend>
        <div className="radios">
          <label className="inline">
            <input type="radio" name="mode" value="tier" checked={form.mode === 'tier'} onChange={() => update({ mode: 'tier' })} /> A quota tier
          </label>
          <label className="inline">
            <input type="radio" name="mode" value="resources" checked={form.mode === 'resources'} onChange={() => update({ mode: 'resources' })} /> Explicit
            resources
          </label>
        </div>
        {form.mode === 'tier' ? (
          <div className="field">
            <label htmlFor="ns-tier">Tier</label>
            <select id="ns-tier" value={form.tier} onChange={(e) => update({ tier: e.target.value })} {...describedBy('tier', problems)}>
              <option value="">Choose a tier</option>
              {tiers.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.displayName ? `${t.displayName} (${t.name})` : t.name}
                  {t.autoApprove ? '' : ' — needs approval'}
                </option>
              ))}
            </select>
            {selectedTier && (
              <p className="hint">
                {Object.entries(selectedTier.resources)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ')}
              </p>
            )}
            <FieldReasons slot="tier" problems={problems} />
          </div>
        ) : (
          <div className="resource-grid">
            {RESOURCE_KEYS.map((k) => (
              <div className="field" key={k}>
                <label htmlFor={`res-${k}`}>{k}</label>
                <input
                  id={`res-${k}`}
                  value={form.resources[k]}
                  onChange={(e) => update({ resources: { ...form.resources, [k]: e.target.value } })}
                  placeholder={k.includes('memory') || k.includes('storage') ? 'e.g. 4Gi' : k === 'pods' ? 'e.g. 50' : 'e.g. 2 or 500m'}
                  autoComplete="off"
                  {...describedBy(`resources.${k}`, problems)}
                />
                <FieldReasons slot={`resources.${k}`} problems={problems} />
              </div>
            ))}
            <FieldReasons slot="resources" problems={problems} />
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>Access</legend>
        <p className="hint">Who gets which ClusterRole in the namespace (tenant members have access already).</p>
        {form.access.map((a, i) => (
          <div className="row" key={i}>
            <label htmlFor={`acc-kind-${i}`}>Subject kind {i + 1}</label>
            <select id={`acc-kind-${i}`} value={a.kind} onChange={(e) => setAccess(i, { kind: e.target.value as Access['kind'] })}>
              <option value="User">User</option>
              <option value="Group">Group</option>
            </select>
            <label htmlFor={`acc-name-${i}`}>Subject name {i + 1}</label>
            <input
              id={`acc-name-${i}`}
              value={a.name}
              onChange={(e) => setAccess(i, { name: e.target.value })}
              autoComplete="off"
              {...describedBy('access', problems)}
            />
            <label htmlFor={`acc-role-${i}`}>Role {i + 1}</label>
            <select id={`acc-role-${i}`} value={a.role} onChange={(e) => setAccess(i, { role: e.target.value })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button type="button" className="secondary" onClick={() => update({ access: form.access.filter((_, j) => j !== i) })}>
              Remove access {i + 1}
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => update({ access: [...form.access, { kind: 'Group', name: '', role: 'view' }] })}>
          Add access entry
        </button>
        <FieldReasons slot="access" problems={problems} />
      </fieldset>

      <fieldset>
        <legend>Labels</legend>
        {form.labels.map((l, i) => (
          <div className="row" key={i}>
            <label htmlFor={`label-key-${i}`}>Label key {i + 1}</label>
            <input
              id={`label-key-${i}`}
              value={l.key}
              onChange={(e) => setLabel(i, { key: e.target.value })}
              autoComplete="off"
              {...describedBy('labels', problems)}
            />
            <label htmlFor={`label-value-${i}`}>Label value {i + 1}</label>
            <input id={`label-value-${i}`} value={l.value} onChange={(e) => setLabel(i, { value: e.target.value })} autoComplete="off" />
            <button type="button" className="secondary" onClick={() => update({ labels: form.labels.filter((_, j) => j !== i) })}>
              Remove label {i + 1}
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => update({ labels: [...form.labels, { key: '', value: '' }] })}>
          Add label
        </button>
        <FieldReasons slot="labels" problems={problems} />
      </fieldset>

      <div className="field">
        <label htmlFor="ns-network">Network profile</label>
        <select
          id="ns-network"
          value={form.networkPolicy}
          onChange={(e) => update({ networkPolicy: e.target.value as NetworkPolicy })}
          {...describedBy('networkPolicy', problems)}
        >
          <option value="isolated">isolated: only traffic from inside the namespace</option>
          <option value="tenant">tenant: traffic from the tenant’s namespaces</option>
          <option value="open">open: no NetworkPolicy restrictions</option>
        </select>
        <FieldReasons slot="networkPolicy" problems={problems} />
      </div>

      <div className="field">
        <label htmlFor="ns-ttl">Time to live (optional)</label>
        <input
          id="ns-ttl"
          value={form.ttl}
          onChange={(e) => update({ ttl: e.target.value })}
          placeholder="e.g. 72h or 7d"
          autoComplete="off"
          {...describedBy('ttl', problems)}
        />
        <p className="hint">An ephemeral namespace is deleted this long after approval.</p>
        <FieldReasons slot="ttl" problems={problems} />
      </div>

      <div className="field">
        <label htmlFor="ns-reason">Why is it needed? (shown to approvers)</label>
        <textarea id="ns-reason" rows={2} value={form.reason} onChange={(e) => update({ reason: e.target.value })} {...describedBy('reason', problems)} />
        <FieldReasons slot="reason" problems={problems} />
      </div>

      <div className="buttons">
        <button type="submit" disabled={busy}>
          Submit request
        </button>
      </div>

      <div aria-live="polite">
        {submitted?.request && (
          <section className="card result" aria-labelledby="result-heading">
            <h2 id="result-heading">
              Request for {submitted.request.namespace}: <StateBadge state={submitted.request.state} />
            </h2>
            <DecisionView decision={submitted.request.decision} />
            <p>
              <Link to={`/requests/${submitted.request.id}`}>Follow request {submitted.request.namespace}</Link>
            </p>
          </section>
        )}
        {submitted?.error && <ErrorView error={submitted.error} />}
      </div>
    </form>
  );
}
