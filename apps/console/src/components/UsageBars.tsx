import type { Schemas } from '@berth/client';
import { quantity } from '../quantity';

type ResourceUsage = Schemas['ResourceUsage'];

const WIDTH = 320;
const HEIGHT = 18;

const pct = (value: number | undefined, scale: number) => (value === undefined || scale <= 0 ? 0 : Math.min(WIDTH, (value / scale) * WIDTH));

/**
 * One bar per resource: allocated (solid) and pending approval (hatched) against the budget (the frame), and what
 * the clusters report as used (a line). SVG geometry, not inline styles: the console's CSP allows no inline styles.
 * The figures are also written out for everyone who does not read bars.
 */
export function UsageBar({ usage }: { usage: ResourceUsage }) {
  const budget = quantity(usage.budget);
  const allocated = quantity(usage.allocated) ?? 0;
  const pending = quantity(usage.pending) ?? 0;
  const used = quantity(usage.used);
  const scale = budget ?? Math.max(allocated + pending, used ?? 0, 1);
  const a = pct(allocated, scale);
  const p = Math.min(WIDTH - a, pct(pending, scale));
  const over = budget !== undefined && allocated + pending > budget;
  const summary =
    `${usage.resource}: allocated ${usage.allocated}` +
    (usage.pending ? `, pending ${usage.pending}` : '') +
    (usage.used ? `, used ${usage.used}` : '') +
    (usage.budget ? ` of budget ${usage.budget}` : ', no budget');
  return (
    <div className="usage-row">
      <span className="usage-name">
        <code>{usage.resource}</code>
      </span>
      <svg className="usage-bar" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <rect className="bar-budget" x={0} y={0} width={WIDTH} height={HEIGHT} rx={3} />
        <rect className={over ? 'bar-allocated bar-over' : 'bar-allocated'} x={0} y={0} width={a} height={HEIGHT} rx={3} />
        {p > 0 && <rect className="bar-pending" x={a} y={0} width={p} height={HEIGHT} />}
        {used !== undefined && <rect className="bar-used" x={Math.max(0, pct(used, scale) - 2)} y={0} width={3} height={HEIGHT} />}
      </svg>
      <span className="usage-figures">
        {usage.allocated}
        {usage.pending && <span className="pending"> +{usage.pending} pending</span>}
        {usage.used && <span className="used"> · {usage.used} used</span>}
        <span className="budget"> / {usage.budget ?? 'no budget'}</span>
      </span>
    </div>
  );
}

export function UsageLegend() {
  return (
    <p className="usage-legend" aria-hidden="true">
      <span className="swatch swatch-allocated" /> allocated <span className="swatch swatch-pending" /> pending approval <span className="swatch swatch-used" />{' '}
      used on the clusters <span className="swatch swatch-budget" /> budget
    </p>
  );
}
