import { EventEmitter } from 'node:events';
import type { SessionEndReason } from '#shared/events';

interface AccessEventMap {
  /** These sessions are over: close every socket that belongs to them. */
  'sessions-ended': [sessionIds: string[], reason: SessionEndReason];
  /** What these users may open may have changed: check their open sockets again. */
  'users-changed': [userIds: string[]];
  /** Which teams own this board changed: check every socket on it again. */
  'board-changed': [boardId: string];
}

/**
 * Tells the open channels (Yjs, socket.io) that access changed, so that a removed member's
 * sockets close at once instead of at their next reconnect.
 */
export class AccessEvents extends EventEmitter<AccessEventMap> {}
