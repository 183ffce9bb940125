/**
 * The awareness state each browser shares on a board. The server owns `user`: whatever a client
 * sends there is replaced with the signed-in user the connection belongs to, so no one can appear
 * as someone else.
 */
export interface PresenceUser {
  id: string;
  name: string;
  /** The user's organisation's name, when they have one. */
  organisation: string | null;
  /** Its id: people are coloured by organisation. */
  organisationId: string | null;
}

export interface PresenceState {
  user: PresenceUser;
  /** The avatar colour the browser picked (a CSS colour; checked before use). */
  colour?: string;
  /** The record being edited, when there is one. */
  editing?: { recordType: string; recordId: string } | null;
}
