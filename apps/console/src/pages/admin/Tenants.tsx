import { useState } from 'react';
import { Link } from 'react-router';
import { unwrap } from '@berth/client';
import { useApi } from '../../session';
import {
  AdminForm,
  AllowedLists,
  KeyValues,
  PagedTable,
  parseBudget,
  parseList,
  Section,
  SelectField,
  SUBJECT_KINDS,
  TextAreaField,
  TextField,
  useFields,
  usePaged,
  type SubjectKind,
} from '../../components/admin';

/** Platform admins: every tenant with its budget and rules; each links to its admin page. */
export default function Tenants() {
  const api = useApi();
  const list = usePaged((cursor) => unwrap(api.GET('/v1/tenants', { params: { query: { cursor, limit: 100 } } })), [api]);

  return (
    <>
      <h1>Tenants</h1>
      <CreateTenant onCreated={list.reload} />
      <h2>All tenants</h2>
      <PagedTable
        list={list}
        what="tenants"
        empty="No tenant yet: create one above."
        caption="Tenants"
        columns={['Tenant', 'Budget', 'Allowed clusters', 'Allowed tiers']}
      >
        {(t) => (
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
        )}
      </PagedTable>
    </>
  );
}

function CreateTenant({ onCreated }: { onCreated(): void }) {
  const api = useApi();
  const f = useFields({ name: '', displayName: '', budget: '', clusters: '', tiers: '', ownerKind: 'User' as SubjectKind, owner: '' });
  const v = f.values;
  // The list pages by id, so a new tenant may not be on its first page: link to it from here.
  const [created, setCreated] = useState<string>();

  const save = () =>
    unwrap(
      api.POST('/v1/tenants', {
        body: {
          name: v.name.trim(),
          displayName: v.displayName.trim() || undefined,
          budget: parseBudget(v.budget, 'budget'),
          allowedClusters: parseList(v.clusters),
          allowedTiers: parseList(v.tiers),
          owners: v.owner.trim() ? [{ kind: v.ownerKind, name: v.owner.trim() }] : undefined,
        },
      }),
    );

  return (
    <Section id="create-tenant" title="Create a tenant">
      <AdminForm
        save={save}
        notice={`Tenant ${v.name.trim()} created.`}
        onSaved={() => {
          setCreated(v.name.trim());
          f.reset('ownerKind');
          onCreated();
        }}
        submit="Create tenant"
        submitting="Creating…"
      >
        <div className="grid">
          <TextField id="tenant-name" label="Name" required hint="A DNS label of 2–30 characters; its namespaces are prefixed with it." {...f.text('name')} />
          <TextField id="tenant-display" label="Display name" {...f.text('displayName')} />
          <TextAreaField
            id="tenant-budget"
            label="Budget"
            rows={3}
            placeholder={'requests.cpu=20\nlimits.memory=64Gi\nnamespaces=10'}
            hint="One key=value per line, summed over all the tenant's namespaces."
            {...f.text('budget')}
          />
          <AllowedLists clusters={f.text('clusters')} tiers={f.text('tiers')} />
          <div>
            <SelectField id="tenant-owner-kind" label="First owner kind" options={SUBJECT_KINDS} {...f.text('ownerKind')} />
            <TextField id="tenant-owner" label="First owner" {...f.text('owner')} />
          </div>
        </div>
      </AdminForm>
      {created && (
        <p>
          <Link to={`/admin/tenants/${created}`}>Open the admin page of {created}</Link>
        </p>
      )}
    </Section>
  );
}
