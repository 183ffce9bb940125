import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { AccessEvents } from '../access/accessEvents.ts';
import type { Logger } from '../log.ts';

/** An access event as one process passes it to the others. */
const relayed = z.discriminatedUnion('name', [
  z.object({
    from: z.string(),
    name: z.literal('sessions-ended'),
    args: z.tuple([
      z.array(z.string()),
      z.enum(['signed-out', 'expired', 'password-changed', 'deactivated']),
    ]),
  }),
  z.object({ from: z.string(), name: z.literal('users-changed'), args: z.tuple([z.array(z.string())]) }),
  z.object({ from: z.string(), name: z.literal('board-changed'), args: z.tuple([z.string()]) }),
]);

/**
 * Access changes reach every process's sockets: what this process's `AccessEvents` says (a member
 * removed, a session signed out) is published on Redis, and what another process publishes is said
 * again here, so its sockets are checked and closed too. Pub/sub may lose a message while Redis is
 * away; the periodic access check (ACCESS_CHECK_INTERVAL_MS) closes what it missed.
 */
export async function relayAccessEvents(
  events: AccessEvents,
  publisher: Redis,
  subscriber: Redis,
  processId: string,
  prefix: string,
  log: Logger,
): Promise<void> {
  const channel = `${prefix}:access`;
  let relaying = false;
  const publish = (message: z.infer<typeof relayed>): void => {
    if (relaying) return;
    publisher
      .publish(channel, JSON.stringify(message))
      .catch((err: unknown) => log.warn({ err }, 'telling other processes about an access change failed'));
  };
  events.on('sessions-ended', (sessionIds, reason) =>
    publish({ from: processId, name: 'sessions-ended', args: [sessionIds, reason] }),
  );
  events.on('users-changed', (userIds) =>
    publish({ from: processId, name: 'users-changed', args: [userIds] }),
  );
  events.on('board-changed', (boardId) =>
    publish({ from: processId, name: 'board-changed', args: [boardId] }),
  );

  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    let message: z.infer<typeof relayed>;
    try {
      message = relayed.parse(JSON.parse(raw));
    } catch (err) {
      log.warn({ err }, 'an access change from another process could not be read');
      return;
    }
    if (message.from === processId) return;
    relaying = true;
    try {
      if (message.name === 'sessions-ended') events.emit('sessions-ended', ...message.args);
      else if (message.name === 'users-changed') events.emit('users-changed', ...message.args);
      else events.emit('board-changed', ...message.args);
    } finally {
      relaying = false;
    }
  });
  await subscriber.subscribe(channel);
}
