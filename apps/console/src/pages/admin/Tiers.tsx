import { unwrap, type Schemas } from '@berth/client';
import { useApi } from '../../session';
import {
  AdminForm,
  formatMap,
  ifMatch,
  KeyValues,
  parseMap,
  Section,
  TextAreaField,
  TextField,
  useFields,
  useVersionedRows,
  VersionedTable,
} from '../../components/admin';

type Tier = Schemas['QuotaTierResponse'];

/** Platform admins: quota tiers (the resources a namespace gets), created, edited, and deleted when unused. */
export default function Tiers() {
  const rows = useVersionedRows('tier', '/v1/quota-tiers');

  return (
    <>
      <h1>Quota tiers</h1>
      <TierForm key="create" onDone={(saved) => saved && rows.list.reload()} />
      {rows.editing && <TierForm key={rows.editorKey} tier={rows.editing} onStale={rows.reloadEditing} onDone={rows.doneEditing} />}
      <h2>Tiers</h2>
      <VersionedTable
        rows={rows}
        what="tiers"
        empty="No quota tier yet: create one above."
        caption="Quota tiers"
        columns={['Resources', 'Limit range', 'Approval']}
      >
        {(t) => (
          <>
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
          </>
        )}
      </VersionedTable>
    </>
  );
}

/** Creates a tier, or (with `tier`) edits it under If-Match its version. */
function TierForm({ tier, onDone, onStale }: { tier?: Tier; onDone(saved: boolean): void; onStale?(): void }) {
  const api = useApi();
  const f = useFields({ name: '', displayName: tier?.displayName ?? '', resources: formatMap(tier?.resources), autoApprove: tier?.autoApprove ?? true });
  const id = tier ? 'edit-tier' : 'new-tier';

  const save = async () => {
    const v = f.values;
    const body = { displayName: v.displayName.trim() || undefined, resources: parseMap(v.resources, 'resources'), autoApprove: v.autoApprove };
    if (tier) await unwrap(api.PATCH('/v1/quota-tiers/{name}', { params: { path: { name: tier.name }, header: { 'if-match': ifMatch(tier.version) } }, body }));
    else await unwrap(api.POST('/v1/quota-tiers', { body: { ...body, name: v.name.trim() } }));
  };

  return (
    <Section id={id} title={tier ? `Edit tier ${tier.name}` : 'Create a tier'} className={tier ? 'panel' : undefined}>
      <AdminForm
        save={save}
        notice={tier ? undefined : `Tier ${f.values.name.trim()} created.`}
        onSaved={() => {
          if (!tier) f.reset();
          onDone(true);
        }}
        submit={tier ? 'Save tier' : 'Create tier'}
        submitting="Saving…"
        onStale={onStale}
        onCancel={tier && (() => onDone(false))}
      >
        <div className="grid">
          {!tier && <TextField id={`${id}-name`} label="Name" required {...f.text('name')} />}
          <TextField id={`${id}-display`} label="Display name" {...f.text('displayName')} />
          <TextAreaField
            id={`${id}-resources`}
            label="Resources"
            rows={4}
            required
            placeholder={'requests.cpu=2\nlimits.memory=8Gi\npods=50'}
            hint="One ResourceQuota key=quantity per line."
            {...f.text('resources')}
          />
        </div>
        <label className="inline" htmlFor={`${id}-auto`}>
          <input id={`${id}-auto`} type="checkbox" {...f.checkbox('autoApprove')} />
          Approve requests within this tier automatically
        </label>
      </AdminForm>
    </Section>
  );
}
