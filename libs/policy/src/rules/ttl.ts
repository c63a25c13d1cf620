import type { RuleContext } from '../context';
import { formatDuration, parseDuration } from '../duration';
import { deny, show } from '../reasons';
import type { Reason } from '../types';

/** Optional TTL: a positive duration (d, h, m, s) no longer than options.maxTtl. */
export function checkTtl(ctx: RuleContext, out: Reason[]): void {
  const { ttl } = ctx.request;
  if (ttl === undefined) return;
  const seconds = parseDuration(ttl);
  if (seconds === null || seconds <= 0) {
    out.push(deny('ttl.invalid', `ttl ${show(ttl)} must be a positive duration such as 72h, 1h30m or 7d`, { field: 'ttl' }));
    return;
  }
  const max = ctx.options.maxTtlSeconds;
  if (seconds > max) {
    out.push(
      deny('ttl.exceeds-max', `ttl ${ttl} exceeds the maximum of ${formatDuration(max)}`, {
        field: 'ttl',
        limit: formatDuration(max),
        requested: ttl,
      }),
    );
  }
}
