import net from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * What the proxy does with the connections through it:
 * - `pass`: forwards bytes both ways, as if it were not there;
 * - `cut`: drops every connection and refuses new ones (the database went away);
 * - `black-hole`: accepts connections and never answers, and stops answering on open ones
 *   (a network that loses every packet: nothing fails, everything waits).
 */
export type ProxyMode = 'pass' | 'cut' | 'black-hole';

export interface TcpProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  /** Connections open through the proxy now. */
  readonly connections: number;
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string;
  set(mode: ProxyMode): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
}

/**
 * A TCP proxy between a server and its database, on 127.0.0.1 and a free port, for simulating
 * outages without touching the database itself. Closed when the test finishes (`shared`: when the
 * caller closes it, for a proxy started in `beforeAll`).
 */
export async function startTcpProxy(
  target: { host: string; port: number },
  options: { mode?: ProxyMode; shared?: boolean } = {},
): Promise<TcpProxy> {
  const mode = options.mode ?? 'pass';
  let current = mode;
  const pairs = new Set<Pair>();

  const drop = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    if (current === 'cut') {
      // A reset, as a port nobody listens on answers.
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: null };
    pairs.add(pair);
    client.on('close', () => drop(pair));
    if (current === 'black-hole') {
      client.on('data', () => undefined);
      return;
    }
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => drop(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  const proxy: TcpProxy = {
    port,
    get mode() {
      return current;
    },
    get connections() {
      return pairs.size;
    },
    url(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    set(next) {
      const previous = current;
      current = next;
      if (next === previous) return;
      if (next === 'black-hole') {
        // Stop forwarding: whatever either side sends is swallowed and nothing comes back.
        for (const { client, upstream } of pairs) {
          client.unpipe();
          upstream?.unpipe();
          client.on('data', () => undefined);
          upstream?.on('data', () => undefined);
        }
      } else {
        // Connections that were cut, or lost bytes in the black hole, cannot carry on.
        for (const pair of [...pairs]) drop(pair);
      }
    },
    async close() {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  if (!options.shared) onTestFinished(() => proxy.close());
  return proxy;
}

/** A proxy in front of the Postgres that `databaseUrl` names. */
export function startDatabaseProxy(
  databaseUrl: string,
  options: { mode?: ProxyMode; shared?: boolean } = {},
): Promise<TcpProxy> {
  const url = new URL(databaseUrl);
  return startTcpProxy({ host: url.hostname || '127.0.0.1', port: Number(url.port || 5432) }, options);
}
