import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import ipaddr from 'ipaddr.js';

/**
 * Which reverse proxies in front of Huddle may say who the client is (`TRUST_PROXY`).
 * `hops`: that many proxies nearest the server, whatever their addresses (0: none, the default).
 * `addresses`: proxies at these addresses or ranges (`10.0.0.0/8`, `loopback`, ...), however many.
 */
export type TrustProxy = { hops: number } | { addresses: readonly string[] };

/** The names proxy-addr knows for ranges, besides addresses and CIDRs. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const TRUST_PROXY_FORMAT =
  'TRUST_PROXY must be false, a number of proxies in front of Huddle (like 1), or the addresses of ' +
  'those proxies separated by commas (like 10.0.0.0/8,127.0.0.1)';

/**
 * Reads `TRUST_PROXY`. `true` means one proxy, as behind a single reverse proxy: trusting every hop
 * would let a client pick its own address by sending X-Forwarded-For itself.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false') return { hops: 0 };
  if (value === 'true') return { hops: 1 };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10)
      throw new Error(`${TRUST_PROXY_FORMAT}; ${hops} proxies is more than any real setup, got "${raw}"`);
    return { hops };
  }
  const addresses = value.split(',').map((entry) => entry.trim());
  for (const entry of addresses) {
    if (!RANGE_NAMES.has(entry) && !isAddressOrRange(entry))
      throw new Error(`${TRUST_PROXY_FORMAT}; "${entry}" is not an address or range, got "${raw}"`);
  }
  return { addresses };
}

/** `10.0.0.1`, `10.0.0.0/8`, `fd00::/8`, written out in full (not the `10.1` shorthand proxy-addr also takes). */
function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)))
    return false;
  try {
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

/** The test fastify and `proxy-addr` apply to each hop (`hop` 0 is the socket's peer): trusted or not. */
export function trustFunction(trust: TrustProxy): (address: string, hop: number) => boolean {
  if ('addresses' in trust) return proxyAddr.compile([...trust.addresses]);
  const { hops } = trust;
  return (_address, hop) => hop < hops;
}

/** `::ffff:10.1.2.3` (an IPv4 client of a dual-stack socket) as `10.1.2.3`, so one client has one address. */
function canonical(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    return (parsed as ipaddr.IPv6).toIPv4Address().toString();
  return address;
}

/**
 * The client's address of a plain request (REST, a WebSocket upgrade, a socket.io handshake), by the
 * same trust as fastify's: the nearest address in X-Forwarded-For that is not a trusted proxy.
 * Something that is not an address where one should be (a proxy trusted by hop count that was never
 * there) gives the last real address before it, so the result is always an IP address.
 */
export function createClientAddress(trust: TrustProxy): (request: IncomingMessage) => string {
  const trusted = trustFunction(trust);
  return (request) => {
    const hops = proxyAddr.all(request, trusted);
    for (let i = hops.length - 1; i >= 0; i--) {
      const address = hops[i]!;
      if (isIP(address) !== 0) return canonical(address);
    }
    return hops[0] ?? 'unknown';
  };
}
