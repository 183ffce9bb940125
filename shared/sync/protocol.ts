/** Top-level message types of the y-websocket protocol (the first varuint of every frame). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const;

/** The path prefix under which the server speaks the Yjs sync protocol: `/yjs/<boardId>`. */
export const YJS_PATH = '/yjs';

/**
 * Why the server did not keep a change a connection sent. It travels as y-protocols' auth message
 * "permission denied" (`MessageType.Auth`), whose reason is this object as JSON: an unmodified
 * y-websocket client logs it; Huddle's shows the message to the person.
 */
export interface SyncRefusal {
  /** What was not kept and why, in words: "The action “Home visit”: Only Priya Shah can accept this action". */
  message: string;
  /** The record concerned, when there is one. */
  recordType?: string;
  recordId?: string;
}

/** Reads a refusal's reason; a reason that is not one (another server, an old one) becomes its message. */
export function parseRefusal(reason: string): SyncRefusal {
  try {
    const value: unknown = JSON.parse(reason);
    if (typeof value === 'object' && value !== null && typeof (value as SyncRefusal).message === 'string') {
      const { message, recordType, recordId } = value as SyncRefusal;
      return {
        message: message.slice(0, 500),
        ...(typeof recordType === 'string' ? { recordType } : {}),
        ...(typeof recordId === 'string' ? { recordId } : {}),
      };
    }
  } catch {
    // Not JSON: plain words.
  }
  return { message: reason.slice(0, 500) };
}
