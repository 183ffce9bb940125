import type { Kysely } from 'kysely';
import type { AccessEvents } from '../access/accessEvents.ts';
import type { AccessPolicy } from '../access/AccessPolicy.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { SignInThrottle } from '../auth/throttle.ts';
import type { BoardsRepository } from '../boards/boardsRepository.ts';
import type { Database } from '../db/schema.ts';
import type { UsersRepository } from '../users/usersRepository.ts';
import type { AuditLog } from '../audit/auditLog.ts';
import type { BoardStorage } from '../storage/BoardStorage.ts';
import type { BoardVersions } from '../versions/boardVersions.ts';
import type { BoardMeetings } from '../meetings/boardMeetings.ts';

/** What the REST route modules share. Each module takes this and registers its routes. */
export interface RouteDeps {
  db: Kysely<Database>;
  policy: AccessPolicy;
  sessions: SessionStore;
  throttle: SignInThrottle;
  users: UsersRepository;
  boards: BoardsRepository;
  audit: AuditLog;
  versions: BoardVersions;
  meetings: BoardMeetings;
  events: AccessEvents;
  /** Whether cookies get the Secure attribute (the site is served over https). */
  secureCookies: boolean;
  /** How long a new session lasts at most, for the cookie's Max-Age. */
  sessionMaxAgeSeconds: number;
  /** A session unused for this many minutes has ended (told to the browser with the session). */
  sessionIdleMinutes: number;
  /** Tells the users who can open a new board about it. */
  onBoardCreated(boardId: string): Promise<void>;
  /** The user read (or unread) notifications: their other pages' bells count again. */
  onNotificationsRead(userId: string): void;
  /** Where a new board's first document state (its pathway stages) is written. */
  storage: BoardStorage;
  /** A board's records as they are now, as JSON (a BoardSnapshot), from the sync server. */
  boardSnapshot(boardId: string): Promise<Buffer>;
  /** Whether a board is loaded in this process now (its snapshot is at hand, nothing to read first). */
  boardOpen(boardId: string): boolean;
}
