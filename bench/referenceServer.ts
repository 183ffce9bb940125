/**
 * The reference y-websocket server (`@y/websocket-server`), served with `http` + `ws` on a free port
 * on 127.0.0.1 for `bench/sync.ts`. Keeps documents in memory (no `YPERSISTENCE`). Prints one JSON
 * line `{"port": <n>}` to stdout once it is listening; exits on SIGTERM or SIGINT.
 *
 * Clients connect to `ws://127.0.0.1:<port>/yjs/<room>` (the same path as Huddle's sync endpoint);
 * the `/yjs/` prefix is stripped so the document name is the room name.
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

const PREFIX = '/yjs/';

const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('reference y-websocket server\n');
});
const wss = new WebSocketServer({ noServer: true });

server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (conn) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const docName = decodeURIComponent(
      pathname.startsWith(PREFIX) ? pathname.slice(PREFIX.length) : pathname.slice(1),
    );
    setupWSConnection(conn, request, { docName });
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'reference server listening', port })}\n`);
});

const shutdown = (): void => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
