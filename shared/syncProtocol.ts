/** Top-level message types of the y-websocket protocol (the first varuint of every frame). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const;

/** The path prefix under which the server speaks the Yjs sync protocol: `/yjs/<boardId>`. */
export const YJS_PATH = '/yjs';
