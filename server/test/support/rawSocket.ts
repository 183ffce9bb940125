import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { onTestFinished } from 'vitest';
import { MessageType, YJS_PATH } from '#shared/sync/protocol';

export interface RawSocket {
  ws: WebSocket;
  /** Resolves with the close code the server sent. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A plain WebSocket to a board's sync endpoint, for sending frames a real client never would. */
export async function openRawSocket(
  baseUrl: string,
  boardId: string,
  headers: Record<string, string> = {},
): Promise<RawSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${YJS_PATH}/${boardId}`, { headers });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  onTestFinished(() => ws.terminate());
  return { ws, closed };
}

/** The HTTP status of a refused upgrade, or 101 when it was accepted. */
export function upgradeStatus(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers });
    ws.on('error', () => undefined);
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
  });
}

/** A presence entry as y-websocket's awareness protocol carries it. */
export interface PresenceEntry {
  clientId: number;
  clock: number;
  state: object;
}

/** A y-websocket awareness frame setting these presence entries. */
export function awarenessFrame(entries: readonly PresenceEntry[]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, JSON.stringify(state));
  }
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, MessageType.Awareness);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}
