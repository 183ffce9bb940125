import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Loopback: reachable from this computer only. */
export const LOOPBACK_HOST = '127.0.0.1';
/** Every IPv4 interface, as before `HOST` had a safer default. */
export const EVERY_INTERFACE = '0.0.0.0';

export interface ListenChoice {
  host: string;
  /** Why: `HOST` was set, the demo's public sign-ins keep it on loopback, or the default. */
  reason: 'configured' | 'demo' | 'default';
}

/** Where the server listens, why, and whether the database lets anyone in with the demo's sign-ins. */
export interface Listening extends ListenChoice {
  demoSignInsPublic: boolean;
}

/**
 * Where to listen. `HOST` wins when set. Unset, a database that lets anyone in with the demo's
 * published sign-ins is served to this computer only; a real installation to every interface.
 */
export function chooseHost(configured: string | null, demoSignInsPublic: boolean): ListenChoice {
  if (configured !== null) return { host: configured, reason: 'configured' };
  if (demoSignInsPublic) return { host: LOOPBACK_HOST, reason: 'demo' };
  return { host: EVERY_INTERFACE, reason: 'default' };
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';
const isLoopback = (host: string) =>
  host === 'localhost' || (ipaddr.isValid(host) && ipaddr.parse(host).range() === 'loopback');

/** The start-up line (tests and e2e read its start and its `port`), and a warning when it is due. */
export function listeningMessage(
  { host, reason, demoSignInsPublic }: Listening,
  port: number,
): { message: string; warning: string | null } {
  if (reason === 'demo') {
    return {
      message: `Huddle is listening on http://localhost:${port} (this computer only, because the demo sign-ins are public; set HOST=0.0.0.0 to serve your network)`,
      warning: null,
    };
  }
  const where = isWildcard(host)
    ? `http://localhost:${port} and on this computer's network addresses`
    : `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  return {
    message: `Huddle is listening on ${where}`,
    warning:
      demoSignInsPublic && !isLoopback(host)
        ? 'The demo sign-ins and their password are public and this server is open to your network: anyone who can reach it can sign in as the demo admin. Switch those accounts off or change their passwords, or set HOST=127.0.0.1.'
        : null,
  };
}
