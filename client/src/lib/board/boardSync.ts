import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { TextAreaBinding } from 'y-textarea';
import { BoardDocument, recordsTouched, type CollectionName } from '#shared/board/boardDoc';
import { isCollectionName } from '#shared/board/records';
import type { Action } from '#shared/board/action';
import type { Comment } from '#shared/board/comment';
import type { Goal } from '#shared/board/goal';
import type { PathwayStage } from '#shared/board/pathway';
import type { Person } from '#shared/board/person';
import type { RecordRead } from '#shared/board/record';
import type { BoardSnapshot } from '#shared/board/snapshot';
import type { Amendment, Attendance, Meeting, MeetingItem } from '#shared/board/meetings/meeting';
import { MeetingDocument } from '#shared/board/meetings/meetingDoc';
import type { PresenceState, PresenceUser } from '#shared/sync/presence';
import * as authProtocol from 'y-protocols/auth';
import { MessageType, YJS_PATH, parseRefusal, type SyncRefusal } from '#shared/sync/protocol';
import { avatarColourFor, safeColour } from '../avatar.ts';
import { hasLocalBoard, loadPending, localBoardName, savePending } from './localBoards.ts';
import { readSnapshot, snapshotReadsOf } from './boardSnapshot.ts';

export type ConnectionState = 'connecting' | 'live' | 'offline';

/** The record someone is working on. */
export interface EditingRef {
  recordType: CollectionName;
  recordId: string;
}

/** Someone else with this board open, as the server vouches for them. */
export interface Peer {
  clientId: number;
  id: string;
  name: string;
  organisation: string | null;
  organisationId: string | null;
  colour: string;
  /** The card or record they are working on, if any. */
  editing: EditingRef | null;
}

export interface BoardRead {
  actions: RecordRead<Action>[];
  people: RecordRead<Person>[];
  goals: RecordRead<Goal>[];
  stages: RecordRead<PathwayStage>[];
  comments: RecordRead<Comment>[];
  meetings: RecordRead<Meeting>[];
  meetingItems: RecordRead<MeetingItem>[];
  attendance: RecordRead<Attendance>[];
  amendments: RecordRead<Amendment>[];
}

/** Every record of a board's document, read and validated (incrementally, while it is observed). */
export function readBoard(board: BoardDocument): BoardRead {
  return {
    actions: board.readActions(),
    people: board.readPeople(),
    goals: board.readGoals(),
    stages: board.readPathwayStages(),
    comments: board.readComments(),
    meetings: board.readMeetings(),
    meetingItems: board.readMeetingItems(),
    attendance: board.readAttendance(),
    amendments: board.readAmendments(),
  };
}

/** How an open board stands: reported whole, as a new object, whenever any of it changes. */
export interface BoardSyncState {
  /** Every record, as read and validated (incrementally: unchanged records keep their identity). */
  read: BoardRead;
  connection: ConnectionState;
  /** The document has synced with the server at least once. */
  synced: boolean;
  /** The copy kept in this browser from an earlier visit has loaded (before the server's, when it is quicker). */
  localCopy: boolean;
  /**
   * `read` is the server's snapshot of the board, shown until the document has loaded (it is far
   * quicker to read than the document of a large board); nothing can be changed from it.
   */
  fromSnapshot: boolean;
  /** Everyone else on the board, one entry a person. */
  peers: Peer[];
  /** Why the server closed the connection with a code that means "do not reconnect"; null until it does. */
  closedReason: string | null;
  /** Records changed here that have not reached the server yet (`collection/id` keys). */
  pending: ReadonlySet<string>;
  canUndo: boolean;
  canRedo: boolean;
}

/** A board not opened yet, or closed. */
export const CLOSED_BOARD: BoardSyncState = Object.freeze({
  read: {
    actions: [],
    people: [],
    goals: [],
    stages: [],
    comments: [],
    meetings: [],
    meetingItems: [],
    attendance: [],
    amendments: [],
  },
  connection: 'connecting',
  synced: false,
  localCopy: false,
  fromSnapshot: false,
  peers: [],
  closedReason: null,
  pending: new Set<string>(),
  canUndo: false,
  canRedo: false,
});

export interface BoardSyncEvents {
  /** The board's state, whole, whenever any of it changes. */
  onState(state: BoardSyncState): void;
  /** A connection closed; `code` is the WebSocket close code (null when the browser closed it). */
  onClose(code: number | null, opened: boolean): void;
  /** The server did not keep a change made here (it broke a rule of the board), and put the board back. */
  onRefused(refusal: SyncRefusal): void;
}

/** An open board document: the store calls `board`'s typed accessors; nothing else sees Y types. */
export interface BoardSync {
  board: BoardDocument;
  /** The board's meetings, written with the same origin (one undo history). */
  meetings: MeetingDocument;
  /**
   * Keeps the board in this browser (IndexedDB) from now on, and shows what was kept from earlier
   * visits at once. `createdAt` is the board's, so a copy of another board with the same id is never used.
   */
  keepLocally(createdAt: string): void;
  /** Shows the server's snapshot of the board until the document has records of its own to show. */
  showSnapshot(snapshot: BoardSnapshot): void;
  undo(): void;
  redo(): void;
  /** Ends the current undo step: the next change is undone on its own (typing merges within half a second). */
  endUndoStep(): void;
  /** Tells everyone else which record this person is working on (null: none). */
  setEditing(editing: EditingRef | null): void;
  /**
   * Binds a textarea to a shared text field, so that people typing in it together merge character
   * by character. Returns the function that unbinds it; null when the record has no such field.
   */
  bindText(element: HTMLTextAreaElement, ref: EditingRef, field: string): (() => void) | null;
  /** Connects again after a permanent close, when the reason for it has gone. */
  reconnect(): void;
  dispose(): void;
}

/** Marks this browser's own transactions. */
const LOCAL_ORIGIN = { source: 'browser' } as const;
/** How long the live connection waits for the copy kept in this browser to load before starting without it. */
const KEPT_COPY_WAIT_MS = 3_000;
const TEXT_MAX = 120;

function wsOrigin(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

function cleanText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, TEXT_MAX) : null;
}

function readEditing(value: unknown): EditingRef | null {
  if (typeof value !== 'object' || value === null) return null;
  const { recordType, recordId } = value as Record<string, unknown>;
  if (typeof recordType !== 'string' || !isCollectionName(recordType)) return null;
  const id = cleanText(recordId);
  return id ? { recordType, recordId: id } : null;
}

/** Reads a peer's awareness state defensively: anything malformed is left out, never shown raw. */
export function readPeer(clientId: number, state: Record<string, unknown>): Peer | null {
  const user = state.user as Partial<Record<keyof PresenceUser, unknown>> | undefined;
  if (typeof user !== 'object' || user === null) return null;
  const id = cleanText(user.id);
  const name = cleanText(user.name);
  if (!id || !name) return null;
  return {
    clientId,
    id,
    name,
    organisation: cleanText(user.organisation),
    organisationId: cleanText(user.organisationId),
    colour: safeColour(state.colour),
    editing: readEditing(state.editing),
  };
}

/**
 * Runs `work` once the browser has painted its next frame (a timer queued from a frame callback),
 * or after a fifth of a second in a tab that paints nothing (one opened in the background).
 */
function afterNextPaint(work: () => void): void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    work();
  };
  requestAnimationFrame(() => setTimeout(once));
  setTimeout(once, 200);
}

export const pendingKey = (collection: string, id: string): string => `${collection}/${id}`;

/**
 * Opens one board's Yjs document: a copy kept in the browser (IndexedDB) and the server's over
 * y-websocket, and reports how it stands through `events` (one state object, and two events). Changes made while the board is not live
 * are marked pending until it has synced with the server again. The awareness `user` field is set to
 * the signed-in user, though the server overwrites it with the user it verified.
 */
export function openBoardSync(boardId: string, user: PresenceUser, events: BoardSyncEvents): BoardSync {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc, LOCAL_ORIGIN);
  const roots = board.roots();
  let local: IndexeddbPersistence | null = null;
  /** `keepLocally` was called: the kept copy is opened once the next frame is painted. */
  let keeping = false;
  let disposed = false;
  // Not connected yet: the first sync waits for the copy kept in this browser, if there is one (below).
  const provider = new WebsocketProvider(`${wsOrigin()}${YJS_PATH}`, boardId, doc, {
    disableBc: false,
    connect: false,
  });
  // The server says why it did not keep a change as y-protocols' "permission denied" message.
  provider.messageHandlers[MessageType.Auth] = (_encoder, decoder) => {
    authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => events.onRefused(parseRefusal(reason)));
  };
  const undoManager = board.createUndoManager();
  let connected = false;
  /** Whether the current connection attempt opened; a refused upgrade closes one that never did. */
  let opened = false;
  /** After a connection closes (or fails to open) the board is offline until it syncs again. */
  let attempted = false;
  let closedForGood = false;
  const pending = loadPending(user.id, boardId);
  let state: BoardSyncState = CLOSED_BOARD;
  const report = (change: Partial<BoardSyncState>): void => {
    state = { ...state, ...change };
    events.onState(state);
  };

  const isLive = (): boolean => connected && provider.synced;
  /** The snapshot shown, until the document's first read takes what still holds of it. */
  let known: BoardSnapshot | null = null;
  const read = (): void => {
    if (state.fromSnapshot && known) board.expectReads(known);
    known = null;
    report({ read: readBoard(board), fromSnapshot: false });
  };
  const reportPending = (): void => {
    savePending(user.id, boardId, pending);
    report({ pending: new Set(pending) });
  };
  const updateConnection = (): void => {
    if (isLive()) {
      // The sync that just finished sent the server everything this browser had that it lacked.
      if (pending.size > 0) {
        pending.clear();
        reportPending();
      }
      report({ connection: 'live' });
    } else report({ connection: attempted || closedForGood ? 'offline' : 'connecting' });
  };
  const onStatus = ({ status }: { status: string }): void => {
    connected = status === 'connected';
    if (connected) opened = true;
    updateConnection();
  };
  const onSync = (synced: boolean): void => {
    if (synced) {
      closedForGood = false;
      report({ synced: true, closedReason: null });
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
    report({ closedReason: reason || 'The server closed the connection to this board' });
    updateConnection();
  };
  const onAwareness = (): void => {
    const seen = new Map<string, Peer>();
    provider.awareness.getStates().forEach((state, clientId) => {
      if (clientId === doc.clientID) return;
      const peer = readPeer(clientId, state);
      if (!peer || peer.id === user.id) return;
      // One avatar per person, however many tabs they have open; the tab where they are editing wins.
      const earlier = seen.get(peer.id);
      if (!earlier || (!earlier.editing && peer.editing)) seen.set(peer.id, peer);
    });
    report({
      peers: [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId),
    });
  };
  const onTransaction = (transaction: Y.Transaction): void => {
    if (!transaction.local || isLive()) return;
    const before = pending.size;
    for (const { collection, id } of recordsTouched(transaction, roots)) {
      if (id !== null) pending.add(pendingKey(collection, id));
    }
    if (pending.size !== before) reportPending();
  };
  const onUndoStack = (): void => report({ canUndo: undoManager.canUndo(), canRedo: undoManager.canRedo() });
  // The browser knows before the socket does that the network has gone: go offline at once.
  const onOffline = (): void => provider.disconnect();
  const onOnline = (): void => {
    if (!closedForGood && syncing) provider.connect();
  };
  /**
   * The live connection starts once the copy kept in this browser has loaded (or there is none), so
   * that its first sync asks the server only for what the copy lacks: a returning nurse on a patchy
   * connection is sent the morning's changes, not the whole board again. It waits no longer than
   * `KEPT_COPY_WAIT_MS` for a copy that is slow to load.
   */
  let syncing = false;
  const startSyncing = (): void => {
    if (syncing || disposed) return;
    syncing = true;
    clearTimeout(keptCopyWait);
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return;
    provider.connect();
  };
  const keptCopyWait = setTimeout(startSyncing, KEPT_COPY_WAIT_MS);
  void hasLocalBoard(user.id, boardId).then((kept) => {
    if (!kept) startSyncing();
  });

  provider.on('status', onStatus);
  provider.on('sync', onSync);
  provider.on('connection-close', onConnectionClose);
  provider.on('closed', onClosed);
  provider.awareness.on('change', onAwareness);
  doc.on('afterTransaction', onTransaction);
  for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) {
    undoManager.on(event, onUndoStack);
  }
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);
  const unobserve = board.onChange(read);
  const presence: PresenceState = {
    user,
    colour: avatarColourFor(user.organisationId ?? user.id),
    editing: null,
  };
  provider.awareness.setLocalState(presence);
  // With no signal the board is offline from the start: no connection will be tried until it returns.
  if (typeof navigator !== 'undefined' && navigator.onLine === false) attempted = true;
  updateConnection();
  reportPending();

  return {
    board,
    meetings: new MeetingDocument(doc, LOCAL_ORIGIN),
    keepLocally: (createdAt) => {
      if (keeping) return;
      keeping = true;
      // After the next paint: reading the kept copy (the whole document, hundreds of milliseconds
      // for a large board) would otherwise hold up the first view drawn from the server's snapshot.
      afterNextPaint(() => {
        if (disposed) return;
        local = new IndexeddbPersistence(localBoardName(user.id, boardId, createdAt), doc);
        // What this browser kept from earlier visits shows at once; the server's copy merges in on sync.
        const opened = local;
        void opened.whenSynced.then(() => {
          startSyncing();
          if (local !== opened || provider.synced || doc.store.clients.size === 0) return;
          read();
          report({ localCopy: true });
        });
      });
    },
    showSnapshot: (snapshot) => {
      if (doc.store.clients.size > 0 || state.synced || state.localCopy) return;
      known = snapshotReadsOf(snapshot);
      report({ read: readSnapshot(known), fromSnapshot: true });
    },
    undo: () => undoManager.undo(),
    redo: () => undoManager.redo(),
    endUndoStep: () => undoManager.stopCapturing(),
    setEditing: (editing) => {
      const current = readEditing(provider.awareness.getLocalState()?.editing);
      if (current?.recordId === editing?.recordId && current?.recordType === editing?.recordType) return;
      provider.awareness.setLocalStateField('editing', editing);
    },
    bindText: (element, ref, field) => {
      const text = board.sharedText(ref.recordType, ref.recordId, field);
      if (!text) return null;
      const binding = new TextAreaBinding(text, element);
      return () => binding.destroy();
    },
    reconnect: () => provider.connect(),
    dispose: () => {
      disposed = true;
      clearTimeout(keptCopyWait);
      unobserve();
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      doc.off('afterTransaction', onTransaction);
      undoManager.destroy();
      provider.awareness.off('change', onAwareness);
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('connection-close', onConnectionClose);
      provider.off('closed', onClosed);
      provider.destroy();
      void local?.destroy();
      local = null;
      doc.destroy();
    },
  };
}
