import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a request comes from this site. Browsers send `Origin` on cross-origin requests and on
 * WebSocket handshakes, and `Sec-Fetch-Site` on every request; non-browser clients send neither.
 */
export function isSameSite(headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): boolean {
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  // Behind a proxy that rewrites Host, the public origin comes from PUBLIC_URL (allowedOrigins).
  const host = headers.host;
  if (host !== undefined) {
    try {
      if (new URL(origin).host === host) return true;
    } catch {
      return false;
    }
  }
  return allowedOrigins.includes(origin);
}
