import type { ChangeEvent } from 'react';
import { Hint, TextField } from './fields';

type Bound = { value: string; onChange(e: ChangeEvent<HTMLInputElement>): void };

/** A tenant's allowed clusters and tiers (comma-separated names), on the create form and the tenant's own page. */
export function AllowedLists({ clusters, tiers }: { clusters: Bound; tiers: Bound }) {
  return (
    <div>
      <TextField id="tenant-clusters" label="Allowed clusters" aria-describedby="tenant-list-hint" {...clusters} />
      <TextField id="tenant-tiers" label="Allowed tiers" aria-describedby="tenant-list-hint" {...tiers} />
      <Hint id="tenant-list-hint">Names separated by commas.</Hint>
    </div>
  );
}
