/** Flattens a spec into `path → value` lines (`resources.limits.memory`, `access[0].role`, `labels.team`). */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined && value !== null && prefix) {
    out[prefix] = String(value);
  }
  return out;
}

/** Current vs requested spec of a Change: one row per setting that differs. */
export function SpecDiff({ current, requested, caption }: { current: unknown; requested: unknown; caption: string }) {
  const before = flatten(current);
  const after = flatten(requested);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort().filter((k) => before[k] !== after[k]);
  if (keys.length === 0) return <p className="empty">No difference from the current spec.</p>;
  return (
    <table className="diff">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Setting</th>
          <th scope="col">Current</th>
          <th scope="col">Requested</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <th scope="row">
              <code>{k}</code>
            </th>
            <td className={k in before ? 'diff-old' : 'empty'}>{before[k] ?? '—'}</td>
            <td className={k in after ? 'diff-new' : 'empty'}>{after[k] ?? '(removed)'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
