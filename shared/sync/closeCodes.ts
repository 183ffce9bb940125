/**
 * WebSocket close codes the Yjs sync server uses. Clients and tests compare against these names,
 * never against bare numbers. 4000-4999 is the range RFC 6455 leaves to applications; y-websocket
 * treats 4400-4499 as permanent (like HTTP 4xx: it stops reconnecting) and reconnects after any other.
 */
export const CloseCode = {
  /** The server is shutting down or restarting; the client should reconnect. */
  GoingAway: 1001,
  /** A frame was larger than the server's message size limit (the standard WebSocket code). */
  MessageTooBig: 1009,
  /** A frame could not be decoded as a y-websocket protocol message. Permanent: retrying sends it again. */
  MalformedMessage: 4400,
  /** The session behind the connection ended; the close reason is the `SessionEndReason`. Permanent: sign in again. */
  SessionEnded: 4401,
  /** The user no longer has access to this board. Permanent. */
  AccessRevoked: 4403,
  /**
   * One change held more entries than the server takes in one message (`SYNC_MAX_UPDATE_ENTRIES`).
   * Permanent: the same change would be sent again.
   */
  UpdateTooLarge: 4413,
  /** Too many of the connection’s changes were refused in a short time (a client stuck resending one). Permanent. */
  TooManyRefusals: 4429,
  /**
   * The connection asked for the board's state, or who is on it, more often than the server answers
   * (`SYNC_MAX_QUESTIONS_PER_MINUTE`): a client stuck in a loop. Permanent.
   */
  TooManyQuestions: 4428,
  /**
   * The connection sent more presence entries, or larger ones, than the server allows
   * (`SYNC_MAX_PRESENCE_PER_CONNECTION`, `SYNC_MAX_PRESENCE_BYTES`). Permanent.
   */
  PresenceLimit: 4431,
  /** The board failed to load from storage. Transient: the client reconnects and tries again. */
  BoardUnavailable: 4503,
  /**
   * The user's access to this board changed (for example from member to viewer). The client reconnects
   * and gets a connection with the new access; it should fetch the board's access again.
   */
  AccessChanged: 4100,
} as const;

export type CloseCodeName = keyof typeof CloseCode;
export type CloseCodeValue = (typeof CloseCode)[CloseCodeName];

export function closeCodeName(code: number): CloseCodeName | undefined {
  return (Object.keys(CloseCode) as CloseCodeName[]).find((name) => CloseCode[name] === code);
}
