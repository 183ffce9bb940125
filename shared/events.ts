import type { BoardAccess } from './access.ts';
import type { BoardSummary } from './boards.ts';

/** Why the server ended a socket's session; the browser shows the sign-in page with this reason. */
export type SessionEndReason = 'signed-out' | 'expired' | 'deactivated' | 'password-changed';

/**
 * Whether the server has stored a board's changes: `delayed` once a change has waited longer than
 * it should (`STORAGE_WARN_AFTER_MS`), while the database cannot be reached or refuses them;
 * `stored` when that clears. Everyone on the board still sees every change meanwhile.
 */
export type BoardStorageState = 'stored' | 'delayed';

/** Events the server sends to browsers over socket.io. */
export interface ServerToClientEvents {
  /** A board the user can open was created; open board lists add it without a reload. */
  'board:created': (board: BoardSummary) => void;
  /** The user's access changed (teams, roles, boards): fetch the board list and board access again. */
  'access:changed': () => void;
  /** The session behind this socket has ended; the socket is disconnected right after. */
  'session:ended': (reason: SessionEndReason) => void;
  /** Actions the user owns or proposed changed on some board (stored): My work and counts look again. */
  'work:changed': () => void;
  /** The user has new notifications, or read some on another page: the bell counts again. */
  'notifications:changed': () => void;
  /**
   * Something the progress figures count changed on a board the following page may see (stored):
   * the page looks again. Sent at most every few seconds per board, however busy it is.
   */
  'progress:changed': () => void;
  /** Sent to a board's room when storing its changes falls behind, and when that clears. */
  'board:storage': (boardId: string, state: BoardStorageState) => void;
}

/**
 * The answer to `board:join`, with how storing the board's changes stands. 503: access could not
 * be checked just now (the database did not answer); the browser asks again.
 */
export type BoardJoinResult =
  | { ok: true; access: BoardAccess; storage: BoardStorageState }
  | { ok: false; status: 403 | 404 | 503; error: string };

/** Events browsers send to the server over socket.io. */
export interface ClientToServerEvents {
  /** Join a board's room (for events about that board). Needs access to the board. */
  'board:join': (boardId: string, ack: (result: BoardJoinResult) => void) => void;
  'board:leave': (boardId: string) => void;
  /**
   * Follow changes to the progress figures of the boards the user may see them for (a progress page
   * is open), until `progress:unfollow` or the socket closes. Refused for anyone who may not see
   * progress.
   */
  'progress:follow': (ack: (result: ProgressFollowResult) => void) => void;
  'progress:unfollow': () => void;
}

/** The answer to `progress:follow`: 403 for someone who may not see progress, 503 when it could not be checked. */
export type ProgressFollowResult = { ok: true } | { ok: false; status: 403 | 503; error: string };

export const SOCKET_IO_PATH = '/socket.io';

/** The `connect_error` message when the socket.io handshake has no valid session. */
export const SOCKET_UNAUTHORISED = 'unauthorised';

/**
 * The `connect_error` message when the handshake's session could not be checked just now (the
 * database did not answer): not a refusal, the browser connects again a little later.
 */
export const SOCKET_UNAVAILABLE = 'unavailable';
