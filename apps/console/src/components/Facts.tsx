import type { ReactNode } from 'react';

/** One term of a summary and its value; `false` (from `cond && [...]`) leaves a term out. */
export type Fact = readonly [term: string, value: ReactNode] | false | null | undefined;

/** A record's facts at a glance (a request's tenant, cluster, requester…): one term and its value each. */
export function Facts({ facts }: { facts: readonly Fact[] }) {
  return (
    <dl className="summary">
      {facts
        .filter((fact) => !!fact)
        .map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}
