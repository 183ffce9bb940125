import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { BoardDocument } from '../../../shared/board/boardDoc.ts';
import type { Action } from '../../../shared/board/action.ts';
import type { Person } from '../../../shared/board/person.ts';
import type { RecordRead } from '../../../shared/board/record.ts';
import type { PresenceState, PresenceUser } from '../../../shared/presence.ts';
import { YJS_PATH } from '../../../shared/syncProtocol.ts';
import { avatarColourFor, safeColour } from './avatar.ts';

export type ConnectionState = 'connecting' | 'live' | 'offline';

/** Someone else with this board open, as the server vouches for them. */
export interface Peer {
  clientId: number;
  id: string;
  name: string;
  organisation: string | null;
  colour: string;
}

export interface BoardSyncEvents {
  onRead(read: { actions: RecordRead<Action>[]; people: RecordRead<Person>[] }): void;
  onConnection(state: ConnectionState): void;
  /** The document has synced with the server (the first time, and after each reconnect). */
  onSynced(): void;
  onPeers(peers: Peer[]): void;
  /** A connection closed; `code` is the WebSocket close code (null when the browser closed it). */
  onClose(code: number | null, opened: boolean): void;
  /** The server closed the connection with a code that means "do not reconnect". */
  onClosedForGood(reason: string): void;
}

/** An open board document: the store calls `board`'s typed accessors; nothing else sees Y types. */
export interface BoardSync {
  board: BoardDocument;
  /** Connects again after a permanent close, when the reason for it has gone. */
  reconnect(): void;
  dispose(): void;
}

/** Marks this browser's own transactions. */
const LOCAL_ORIGIN = { source: 'browser' } as const;
const TEXT_MAX = 120;

function wsOrigin(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

function cleanText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, TEXT_MAX) : null;
}

/** Reads a peer's awareness state defensively: anything malformed is left out, never shown raw. */
export function readPeer(clientId: number, state: Record<string, unknown>): Peer | null {
  const user = state.user as Partial<Record<keyof PresenceUser, unknown>> | undefined;
  if (typeof user !== 'object' || user === null) return null;
  const id = cleanText(user.id);
  const name = cleanText(user.name);
  if (!id || !name) return null;
  return { clientId, id, name, organisation: cleanText(user.organisation), colour: safeColour(state.colour) };
}

/**
 * Opens one board's Yjs document over y-websocket and reports what happens through `events`. The
 * awareness `user` field is set to the signed-in user, though the server overwrites it with the
 * user it verified.
 */
export function openBoardSync(boardId: string, user: PresenceUser, events: BoardSyncEvents): BoardSync {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc, LOCAL_ORIGIN);
  const provider = new WebsocketProvider(`${wsOrigin()}${YJS_PATH}`, boardId, doc, { disableBc: false });
  let connected = false;
  /** Whether the current connection attempt opened; a refused upgrade closes one that never did. */
  let opened = false;
  /** After a connection closes (or fails to open) the board is offline until it syncs again. */
  let attempted = false;
  let closedForGood = false;

  const read = (): void => events.onRead({ actions: board.readActions(), people: board.readPeople() });
  const updateConnection = (): void => {
    if (connected && provider.synced) events.onConnection('live');
    else events.onConnection(attempted || closedForGood ? 'offline' : 'connecting');
  };
  const onStatus = ({ status }: { status: string }): void => {
    connected = status === 'connected';
    if (connected) opened = true;
    updateConnection();
  };
  const onSync = (synced: boolean): void => {
    if (synced) {
      closedForGood = false;
      events.onSynced();
      read();
    }
    updateConnection();
  };
  const onConnectionClose = (event: CloseEvent | null): void => {
    attempted = true;
    connected = false;
    const wasOpen = opened;
    opened = false;
    updateConnection();
    events.onClose(event?.code ?? null, wasOpen);
  };
  const onClosed = ({ reason }: { code: number; reason: string }): void => {
    closedForGood = true;
    events.onClosedForGood(reason);
    updateConnection();
  };
  const onAwareness = (): void => {
    const byUser = new Map<string, Peer>();
    provider.awareness.getStates().forEach((state, clientId) => {
      if (clientId === doc.clientID) return;
      const peer = readPeer(clientId, state);
      // One avatar per person, however many tabs they have open.
      if (peer && peer.id !== user.id && !byUser.has(peer.id)) byUser.set(peer.id, peer);
    });
    events.onPeers(
      [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId),
    );
  };

  provider.on('status', onStatus);
  provider.on('sync', onSync);
  provider.on('connection-close', onConnectionClose);
  provider.on('closed', onClosed);
  provider.awareness.on('change', onAwareness);
  const unobserve = board.onChange(read);
  const presence: PresenceState = { user, colour: avatarColourFor(user.id), editing: null };
  provider.awareness.setLocalState(presence);

  return {
    board,
    reconnect: () => provider.connect(),
    dispose: () => {
      unobserve();
      provider.awareness.off('change', onAwareness);
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('connection-close', onConnectionClose);
      provider.off('closed', onClosed);
      provider.destroy();
      doc.destroy();
    },
  };
}
