/**
 * Hocuspocus (`@hocuspocus/server`), in memory, served on a free port on 127.0.0.1 for `bench/sync.ts`
 * and `bench/scale.ts`: the other well-kept Yjs server Huddle is measured against. With `REDIS_URL`
 * set, its Redis extension fans updates and awareness out to the other processes on the same Redis,
 * as several Hocuspocus processes behind a load balancer run. Prints one JSON line
 * `{"msg": "hocuspocus listening", "port": <n>}` once it is listening; exits on SIGTERM or SIGINT.
 *
 * Clients speak Hocuspocus's own protocol (`@hocuspocus/provider`), whose messages name the document:
 * any path is served.
 */
import { Redis as RedisExtension } from '@hocuspocus/extension-redis';
import { Server } from '@hocuspocus/server';

const redisUrl = process.env.REDIS_URL;
const extensions = redisUrl
  ? [
      new RedisExtension({
        host: new URL(redisUrl).hostname,
        port: Number(new URL(redisUrl).port || 6379),
      }),
    ]
  : [];

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  extensions,
});

await server.listen();
const address = server.httpServer.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ msg: 'hocuspocus listening', port })}\n`);

const shutdown = (): void => {
  void server.destroy().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
