import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { BoardDocument } from '../../../shared/board/boardDoc.ts';
import type { Action, ActionInput, ActionPatch } from '../../../shared/board/action.ts';
import type { Person } from '../../../shared/board/person.ts';
import type { RecordRead } from '../../../shared/board/record.ts';
import { YJS_PATH } from '../../../shared/syncProtocol.ts';
import { safeColour } from '../lib/avatar.ts';
import { useIdentityStore } from './identity.ts';

export type ConnectionState = 'connecting' | 'live' | 'offline';

/** Someone else with this board open. */
export interface Peer {
  clientId: number;
  name: string;
  colour: string;
}

interface Session {
  boardId: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  board: BoardDocument;
  dispose(): void;
}

/** Marks this browser's own transactions. */
const LOCAL_ORIGIN = { source: 'browser' } as const;

function wsOrigin(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

function readPeer(clientId: number, state: Record<string, unknown>): Peer | null {
  const user = state.user as { name?: unknown; colour?: unknown } | undefined;
  if (!user || typeof user.name !== 'string' || !user.name.trim()) return null;
  return { clientId, name: user.name.trim().slice(0, 120), colour: safeColour(user.colour) };
}

/**
 * One open board: its Yjs document synced over y-websocket, read through the typed accessors in
 * shared/board. Components read `actions`, `people`, `connection` and `peers` and call the methods;
 * they never see Y types. Nothing is written before the first sync, so an empty local document can
 * never overwrite the stored board.
 */
export const useBoardStore = defineStore('board', () => {
  const identity = useIdentityStore();
  const boardId = ref<string | null>(null);
  const actions = shallowRef<RecordRead<Action>[]>([]);
  const people = shallowRef<RecordRead<Person>[]>([]);
  const connection = ref<ConnectionState>('connecting');
  /** True once the document has synced with the server at least once; edits wait for it. */
  const hasSynced = ref(false);
  /** Set when the server closed the connection for good (e.g. a malformed message). */
  const closedReason = ref('');
  const peers = ref<Peer[]>([]);
  let session: Session | null = null;

  const validPeople = computed(() => people.value.flatMap((p) => (p.ok ? [p.value] : [])));

  function open(id: string): void {
    if (session?.boardId === id) return;
    close();
    boardId.value = id;
    const doc = new Y.Doc();
    const board = new BoardDocument(doc, LOCAL_ORIGIN);
    const provider = new WebsocketProvider(`${wsOrigin()}${YJS_PATH}`, id, doc, { disableBc: false });
    let connected = false;
    /** After a connection closes (or fails to open) the board is offline until it syncs again. */
    let attempted = false;

    const read = (): void => {
      actions.value = board.readActions();
      people.value = board.readPeople();
    };
    const updateConnection = (): void => {
      if (connected && provider.synced) connection.value = 'live';
      else connection.value = attempted || closedReason.value ? 'offline' : 'connecting';
    };
    const onStatus = ({ status }: { status: string }): void => {
      connected = status === 'connected';
      updateConnection();
    };
    const onSync = (synced: boolean): void => {
      if (synced) {
        hasSynced.value = true;
        closedReason.value = '';
        read();
      }
      updateConnection();
    };
    const onConnectionClose = (): void => {
      attempted = true;
      connected = false;
      updateConnection();
    };
    const onClosed = ({ reason }: { code: number; reason: string }): void => {
      closedReason.value = reason || 'The server closed the connection to this board';
      updateConnection();
    };
    const onAwareness = (): void => {
      const list: Peer[] = [];
      provider.awareness.getStates().forEach((state, clientId) => {
        if (clientId === doc.clientID) return;
        const peer = readPeer(clientId, state);
        if (peer) list.push(peer);
      });
      peers.value = list.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
    };

    provider.on('status', onStatus);
    provider.on('sync', onSync);
    provider.on('connection-close', onConnectionClose);
    provider.on('closed', onClosed);
    provider.awareness.on('change', onAwareness);
    const unobserve = board.onChange(read);
    provider.awareness.setLocalStateField('user', { name: identity.name, colour: identity.colour });

    session = {
      boardId: id,
      doc,
      provider,
      board,
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

  function close(): void {
    session?.dispose();
    session = null;
    boardId.value = null;
    actions.value = [];
    people.value = [];
    peers.value = [];
    connection.value = 'connecting';
    hasSynced.value = false;
    closedReason.value = '';
  }

  /** Keeps presence in step when the person changes their name. */
  function updatePresence(): void {
    session?.provider.awareness.setLocalStateField('user', { name: identity.name, colour: identity.colour });
  }

  function writable(): BoardDocument {
    if (!session || !hasSynced.value) throw new Error('The board has not loaded yet; try again in a moment');
    return session.board;
  }

  function addAction(input: ActionInput): Action {
    return writable().addAction(input, identity.name);
  }

  function updateAction(id: string, patch: ActionPatch): void {
    writable().updateAction(id, patch);
  }

  function completeAction(id: string): void {
    writable().completeAction(id);
  }

  return {
    boardId,
    actions,
    people,
    validPeople,
    connection,
    hasSynced,
    closedReason,
    peers,
    open,
    close,
    updatePresence,
    addAction,
    updateAction,
    completeAction,
  };
});
