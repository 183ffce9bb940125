import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { MessageType, parseRefusal, type SyncRefusal } from '#shared/sync/protocol';

/** The wire a server speaks: the y-websocket protocol (Huddle, the reference) or Hocuspocus's own. */
export type SyncProtocol = 'y-websocket' | 'hocuspocus';

/** Where a client connects, and the session cookie it sends with the handshake (Huddle only). */
export interface Endpoint {
  wsUrl: string;
  cookie: string | null;
  /** y-websocket unless said. */
  protocol?: SyncProtocol;
}

/** A bench client's provider: y-websocket's, or Hocuspocus's for the Hocuspocus server. */
export type BenchProvider = WebsocketProvider | HocuspocusProvider;

/** A WebSocket that sends the session cookie with its handshake, as a signed-in browser does. */
function webSocketWithCookie(cookie: string | null): typeof globalThis.WebSocket {
  if (cookie === null) return WebSocket as unknown as typeof globalThis.WebSocket;
  const headers = { cookie };
  class WebSocketWithCookie extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  return WebSocketWithCookie as unknown as typeof globalThis.WebSocket;
}

/**
 * An unmodified y-websocket client with the provider's defaults, as a browser runs it (but no
 * BroadcastChannel shortcut). `doc` lets a caller choose the document (say, with a given client id),
 * `awareness` its presence (by default, the provider makes one as it starts).
 */
export function connectClient(
  endpoint: Endpoint,
  room: string,
  doc: Y.Doc = new Y.Doc(),
  awareness?: Awareness,
): { doc: Y.Doc; provider: WebsocketProvider } {
  const provider = new WebsocketProvider(endpoint.wsUrl, room, doc, {
    ...(awareness ? { awareness } : {}),
    WebSocketPolyfill: webSocketWithCookie(endpoint.cookie),
    // Node has a global BroadcastChannel: without this, clients in this one process would sync
    // with each other directly and bypass the server.
    disableBc: true,
  });
  return { doc, provider };
}

/**
 * A client of the protocol the endpoint speaks: `connectClient`'s for y-websocket, or Hocuspocus's
 * own provider with its defaults (one socket per client, as a browser tab has).
 */
export function connectBenchClient(
  endpoint: Endpoint,
  room: string,
  doc: Y.Doc = new Y.Doc(),
  awareness?: Awareness,
): { doc: Y.Doc; provider: BenchProvider } {
  if (endpoint.protocol !== 'hocuspocus') return connectClient(endpoint, room, doc, awareness);
  const provider = new HocuspocusProvider({
    url: endpoint.wsUrl,
    name: room,
    document: doc,
    ...(awareness ? { awareness } : {}),
    WebSocketPolyfill: WebSocket,
  } as ConstructorParameters<typeof HocuspocusProvider>[0]);
  return { doc, provider };
}

/** Resolves once the provider has finished its first sync with the server; rejects after `timeoutMs`. */
export function whenSynced(provider: BenchProvider, timeoutMs: number): Promise<void> {
  if (provider instanceof HocuspocusProvider) {
    if (provider.isSynced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        provider.off('synced', onSynced);
        reject(new Error(`client did not sync within ${timeoutMs} ms`));
      }, timeoutMs);
      const onSynced = (): void => {
        clearTimeout(timer);
        provider.off('synced', onSynced);
        resolve();
      };
      provider.on('synced', onSynced);
    });
  }
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      provider.off('sync', onSync);
      reject(new Error(`client did not sync within ${timeoutMs} ms`));
    }, timeoutMs);
    const onSync = (isSynced: boolean): void => {
      if (!isSynced) return;
      clearTimeout(timer);
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
}

/** Polls `check` every 20 ms until it is true; false if `timeoutMs` passes first. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** The document's state vector: the next clock of every client id that wrote to it. */
export function stateVector(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

/** Whether `have` holds everything `want` describes (every client id's clock at least as far). */
export function covers(have: ReadonlyMap<number, number>, want: ReadonlyMap<number, number>): boolean {
  for (const [client, clock] of want) if ((have.get(client) ?? 0) < clock) return false;
  return true;
}

/**
 * Calls `onRefusal` with every change the server tells this client it did not keep (y-protocols'
 * "permission denied" auth message), by listening to the provider's socket beside it: the provider
 * itself is left as it is (it only logs them).
 */
export function watchRefusals(provider: BenchProvider, onRefusal: (refusal: SyncRefusal) => void): void {
  if (!(provider instanceof WebsocketProvider)) return;
  provider.on('status', ({ status }: { status: string }) => {
    const socket = provider.ws;
    if (status !== 'connected' || !socket) return;
    socket.addEventListener('message', (event: MessageEvent) => {
      if (!(event.data instanceof ArrayBuffer)) return;
      const decoder = decoding.createDecoder(new Uint8Array(event.data));
      if (decoding.readVarUint(decoder) !== MessageType.Auth) return;
      // 0: permission denied, then the reason.
      if (decoding.readVarUint(decoder) !== 0) return;
      onRefusal(parseRefusal(decoding.readVarString(decoder)));
    });
  });
}
