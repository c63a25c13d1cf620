import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Server-side request forgery guard. A webhook URL is chosen by a tenant owner, but Berth sends the
 * request from inside the platform: without this check an owner could make Berth call the cloud
 * metadata service, the database or any cluster-internal endpoint. Only public unicast addresses are
 * allowed, unless the platform admin lists a host or range in BERTH_WEBHOOK_ALLOWED_HOSTS.
 */
export class ForbiddenDestinationError extends Error {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`webhook destination ${host} is not allowed: ${reason}`);
  }
}

/** ipaddr.js range names that are not the public internet. Everything but `unicast` is refused. */
const PUBLIC_RANGE = 'unicast';

export interface DestinationPolicy {
  /** Host names and IP/CIDR entries (BERTH_WEBHOOK_ALLOWED_HOSTS). */
  allowedHosts: string[];
}

/** Strips brackets of an IPv6 literal and a trailing dot of a host name, lower-cased. */
export function normalizeHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is judged as the IPv4 address it reaches. */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  return ipaddr.process(address);
}

function inCidr(address: ipaddr.IPv4 | ipaddr.IPv6, entry: string): boolean {
  const [range, bits] = ipaddr.parseCIDR(entry);
  return range.kind() === address.kind() && address.match(range, bits);
}

/** The host name itself, or an allowlisted IP or CIDR containing the address. */
function allowedByList(policy: DestinationPolicy, host: string, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return policy.allowedHosts.some((raw) => {
    const entry = raw.toLowerCase();
    if (entry.includes('/')) return inCidr(address, entry);
    if (ipaddr.isValid(entry)) return parse(entry).toNormalizedString() === address.toNormalizedString();
    return entry === host;
  });
}

/** Throws unless `address` (a resolved IP of `host`) is public or allowlisted. */
export function assertAddressAllowed(policy: DestinationPolicy, host: string, rawAddress: string): void {
  const address = parse(rawAddress);
  const range = address.range();
  if (range === PUBLIC_RANGE) return;
  if (allowedByList(policy, host, address)) return;
  throw new ForbiddenDestinationError(host, `${address.toString()} is in the ${range} range`);
}

/** A URL Berth may call: http or https, no credentials in it. Checked at subscription time and before each attempt. */
export function parseDestination(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ForbiddenDestinationError(url, 'not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ForbiddenDestinationError(parsed.host, 'only http and https are allowed');
  if (parsed.username || parsed.password) throw new ForbiddenDestinationError(parsed.host, 'credentials in the URL are not allowed');
  return parsed;
}

/**
 * Resolves the URL's host and checks every address it resolves to (an attacker's DNS may answer a
 * public and a private address). Returns the addresses: the caller connects to one of these, never
 * resolving again (a second lookup could answer differently: DNS rebinding).
 */
export async function resolveDestination(policy: DestinationPolicy, url: string): Promise<{ url: URL; addresses: Array<{ address: string; family: number }> }> {
  const parsed = parseDestination(url);
  const host = normalizeHost(parsed.hostname);
  let addresses: Array<{ address: string; family: number }>;
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw new ForbiddenDestinationError(host, `it does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  if (addresses.length === 0) throw new ForbiddenDestinationError(host, 'it does not resolve');
  for (const { address } of addresses) assertAddressAllowed(policy, host, address);
  return { url: parsed, addresses };
}
