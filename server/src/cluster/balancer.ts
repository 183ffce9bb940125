import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { YJS_PATH } from '#shared/sync/protocol';

/**
 * How the balancer picks a server process:
 * - `board`: every connection to one board goes to the same process (rendezvous hashing of the board
 *   id over the processes that answer), and everything else of one browser to one process (by its
 *   cookies, else its address), so a board is normally served by one process and Redis only carries
 *   what crosses processes: a process that dies hands its boards to the next in each board's order;
 * - `spread`: each request and connection to the next process in turn (tests, to put one board's
 *   clients on every process).
 */
export type Routing = 'board' | 'spread';

export interface Balancer {
  readonly port: number;
  readonly url: string;
  /** The processes behind it now (one restarted elsewhere, one added). */
  setBackends(urls: readonly string[]): void;
  close(): Promise<void>;
}

/** A process that refused a connection is passed over for this long. */
const DOWN_FOR_MS = 2_000;

function weight(key: string, backend: string): bigint {
  return createHash('sha256').update(`${key}\u0000${backend}`).digest().readBigUInt64BE(0);
}

/** The board a `/yjs/<boardId>` request is for, or null. */
function boardOf(url: string | undefined): string | null {
  if (!url?.startsWith(`${YJS_PATH}/`)) return null;
  const id = url.slice(YJS_PATH.length + 1).split(/[/?#]/)[0];
  return id ? id : null;
}

/**
 * A small HTTP and WebSocket load balancer in front of several Huddle processes on loopback
 * (`http-proxy-3`, the maintained fork of node-http-proxy), for `npm run start:cluster` and the
 * cluster tests. In production a load balancer of the platform's (nginx, HAProxy, a cloud one)
 * does the same: hash `/yjs/<boardId>` to a process, keep a browser's socket.io on one.
 */
export async function startBalancer(options: {
  backends: readonly string[];
  routing: Routing;
  port?: number;
  host?: string;
}): Promise<Balancer> {
  let backends = [...options.backends];
  const downUntil = new Map<string, number>();
  let turn = 0;
  const proxy = createProxyServer({ xfwd: true });

  const live = (): string[] => {
    const now = Date.now();
    const up = backends.filter((b) => (downUntil.get(b) ?? 0) <= now);
    return up.length > 0 ? up : backends;
  };
  const pick = (request: IncomingMessage): string => {
    const candidates = live();
    if (options.routing === 'spread') return candidates[turn++ % candidates.length]!;
    const key = boardOf(request.url) ?? request.headers.cookie ?? request.socket.remoteAddress ?? 'anyone';
    let best = candidates[0]!;
    let bestWeight = -1n;
    for (const backend of candidates) {
      const w = weight(key, backend);
      if (w > bestWeight) [best, bestWeight] = [backend, w];
    }
    return best;
  };
  const markDown = (backend: string): void => {
    downUntil.set(backend, Date.now() + DOWN_FOR_MS);
  };

  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    const target = pick(request);
    proxy.web(request, response, { target }, () => {
      markDown(target);
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'That Huddle server is not answering; try again' }));
      } else response.destroy();
    });
  });
  // Upgraded sockets are no longer the HTTP server's to close: kept here, so closing ends them too.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const target = pick(request);
    proxy.ws(request, socket, head, { target }, () => {
      // The browser reconnects, and finds a process that answers.
      markDown(target);
      socket.destroy();
    });
  });
  proxy.on('error', () => undefined);

  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setBackends(urls) {
      backends = [...urls];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        proxy.close();
      }),
  };
}
