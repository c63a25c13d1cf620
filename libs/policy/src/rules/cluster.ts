import type { RuleContext } from '../context';
import { deny, show } from '../reasons';
import type { Reason } from '../types';

/** The cluster must be known and in the tenant's allowedClusters (empty list = no cluster). */
export function checkCluster(ctx: RuleContext, out: Reason[]): void {
  const { cluster } = ctx.request;
  const known = ctx.snapshot.cluster;
  if (known === null || known.name !== cluster) {
    out.push(deny('cluster.unknown', `cluster ${show(cluster)} is unknown`, { field: 'cluster' }));
    return;
  }
  if (!ctx.snapshot.tenant.allowedClusters.includes(cluster)) {
    out.push(
      deny('cluster.not-allowed', `tenant ${show(ctx.snapshot.tenant.name)} may not use cluster ${show(cluster)}`, {
        field: 'cluster',
      }),
    );
  }
}
