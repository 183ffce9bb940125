import * as Y from 'yjs';
import { COLLECTION_NAMES } from '#shared/board/records';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { onTestFinished } from 'vitest';
import { BoardDocument } from '#shared/board/boardDoc';
import * as authProtocol from 'y-protocols/auth';
import { MessageType, YJS_PATH, parseRefusal, type SyncRefusal } from '#shared/sync/protocol';

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  board: BoardDocument;
  /** Resolves once the client has finished its first sync with the server. */
  synced(): Promise<void>;
  /** Close codes the server sent this client, in order. */
  closeCodes: number[];
  /** What the server said it did not keep of this client's changes, and why, in order. */
  refusals: SyncRefusal[];
  destroy(): void;
}

/** An unmodified y-websocket `WebsocketProvider`, as a browser would use, connected to `baseUrl`. */
export function connectClient(
  baseUrl: string,
  boardId: string,
  options: { connect?: boolean; cookie?: string; headers?: Record<string, string>; doc?: Y.Doc } = {},
): TestClient {
  const doc = options.doc ?? new Y.Doc();
  const wsUrl = baseUrl.replace(/^http/, 'ws') + YJS_PATH;
  const headers = { ...options.headers, ...(options.cookie ? { cookie: options.cookie } : {}) };
  // A browser sends its cookies with the WebSocket handshake; this client sends the ones it is given.
  class WebSocketWithHeaders extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const provider = new WebsocketProvider(wsUrl, boardId, doc, {
    WebSocketPolyfill: WebSocketWithHeaders as unknown as typeof globalThis.WebSocket,
    connect: options.connect ?? true,
    disableBc: true,
    maxBackoffTime: 200,
  });
  const closeCodes: number[] = [];
  provider.on('connection-close', (event) => {
    if (event) closeCodes.push(event.code);
  });
  // As Huddle's browser does: the server's refusals arrive as the auth protocol's "permission denied".
  const refusals: SyncRefusal[] = [];
  provider.messageHandlers[MessageType.Auth] = (_encoder, decoder) =>
    authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => refusals.push(parseRefusal(reason)));
  const client: TestClient = {
    doc,
    provider,
    closeCodes,
    refusals,
    board: new BoardDocument(doc),
    synced: () =>
      provider.synced
        ? Promise.resolve()
        : new Promise((resolve) => {
            const onSync = (isSynced: boolean) => {
              if (!isSynced) return;
              provider.off('sync', onSync);
              resolve();
            };
            provider.on('sync', onSync);
          }),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
  onTestFinished(() => client.destroy());
  return client;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/**
 * The parts of a document a client can see, with keys in a fixed order (a Y.Map lists its keys
 * in arrival order, which differs between clients), for comparing clients with each other.
 */
export function docContent(doc: Y.Doc): unknown {
  return sortKeys(Object.fromEntries(COLLECTION_NAMES.map((name) => [name, doc.getMap(name).toJSON()])));
}
