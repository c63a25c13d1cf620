import type { Schemas } from '@berth/client';

export type Reason = Schemas['ReasonResponse'];
export type Decision = Schemas['DecisionResponse'];

const OUTCOME: Record<Decision['outcome'], string> = {
  approve: 'Approved by policy',
  'needs-approval': 'Needs a platform admin’s approval',
  deny: 'Denied by policy',
};

/** Policy reasons as the API gives them: machine-readable code, message, and the limit/requested/used figures. */
export function Reasons({ reasons, label = 'Reasons' }: { reasons: Reason[]; label?: string }) {
  if (reasons.length === 0) return null;
  return (
    <ul className="reasons" aria-label={label}>
      {reasons.map((r, i) => (
        <li key={i} className={`reason reason-${r.severity}`}>
          <span className="code">{r.code}</span> {r.message}
          {(r.requested || r.limit || r.used) && (
            <span className="figures">
              {r.requested && <> requested {r.requested}</>}
              {r.used && <> · used {r.used}</>}
              {r.limit && <> · limit {r.limit}</>}
            </span>
          )}
          {r.field && (
            <>
              {' '}
              <code className="field">{r.field}</code>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

export function DecisionView({ decision }: { decision: Decision }) {
  return (
    <div className={`decision decision-${decision.outcome}`}>
      <p className="decision-outcome">
        <strong>{OUTCOME[decision.outcome]}</strong>
        {decision.reasons.length > 0 && ` (${decision.reasons.length} reason${decision.reasons.length === 1 ? '' : 's'})`}
      </p>
      <Reasons reasons={decision.reasons} />
    </div>
  );
}

type AnyState = Schemas['NamespaceRequestResponse']['state'] | Schemas['NamespaceResponse']['state'] | Schemas['PreviewResponse']['state'];

const TONE: Record<string, string> = {
  PendingApproval: 'warn',
  Approved: 'info',
  Committed: 'info',
  Ready: 'ok',
  Failed: 'bad',
  Rejected: 'bad',
  Cancelled: 'muted',
  Deleting: 'muted',
  Deleted: 'muted',
};

export function StateBadge({ state }: { state: AnyState }) {
  return <span className={`badge badge-${TONE[state] ?? 'muted'}`}>{state === 'PendingApproval' ? 'Pending approval' : state}</span>;
}
