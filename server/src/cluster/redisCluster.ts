import { once } from 'node:events';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { ServerOptions } from 'socket.io';
import type { AccessEvents } from '../access/accessEvents.ts';
import type { Logger } from '../log.ts';
import { relayAccessEvents } from './accessRelay.ts';
import { RedisPeers } from './redisPeers.ts';

/** What one process needs to run beside others on one Redis. */
export interface RedisCluster {
  /** The boards' other holders (Yjs updates and presence). */
  peers: RedisPeers;
  /** socket.io's rooms across processes. */
  adapter: ServerOptions['adapter'];
  close(): Promise<void>;
}

/** Redis is tried again at once, then after a growing pause of up to five seconds, for as long as it takes. */
const retryStrategy = (times: number): number => Math.min(times * 200, 5_000);

/**
 * Connects this process to the others through Redis (ioredis, the well-kept Redis client that
 * socket.io's adapter and Hocuspocus's Redis extension both use): four connections, since a
 * subscribing connection can do nothing else. Resolves once Redis has answered (trying again for
 * as long as it takes); a Redis that goes away later is reconnected to in the background, and each
 * board asks its other holders what it missed once it is back.
 */
export async function joinRedisCluster(
  { url, prefix }: { url: string; prefix: string },
  events: AccessEvents,
  log: Logger,
): Promise<RedisCluster> {
  const connect = (role: string): Redis => {
    const client = new Redis(url, { retryStrategy, connectionName: `huddle-${role}` });
    let reported = false;
    client.on('error', (err: Error) => {
      if (reported) return;
      reported = true;
      log.warn({ err, role }, 'Redis cannot be reached; trying again');
    });
    client.on('ready', () => {
      if (reported) log.info({ role }, 'Redis answers again');
      reported = false;
    });
    return client;
  };
  const publisher = connect('publish');
  const subscriber = connect('subscribe');
  const ioPublisher = connect('socket.io-publish');
  const ioSubscriber = connect('socket.io-subscribe');
  const clients = [publisher, subscriber, ioPublisher, ioSubscriber];
  // Like the database: the server waits for Redis before it listens, saying so while it waits.
  await Promise.all(clients.map((client) => (client.status === 'ready' ? undefined : once(client, 'ready'))));
  const peers = new RedisPeers(publisher, subscriber, prefix, log);
  await relayAccessEvents(events, publisher, subscriber, peers.processId, prefix, log);
  return {
    peers,
    adapter: createAdapter(ioPublisher, ioSubscriber, { key: `${prefix}:socket.io` }),
    close: async () => {
      peers.close();
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
