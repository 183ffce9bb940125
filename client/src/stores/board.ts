import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { BoardSummary } from '../../../shared/api.ts';
import type { AuditEntry } from '../../../shared/audit.ts';
import type { Action, ActionInput, ActionPatch } from '../../../shared/board/action.ts';
import { Collection } from '../../../shared/board/boardDoc.ts';
import type { Person } from '../../../shared/board/person.ts';
import type { RecordRead } from '../../../shared/board/record.ts';
import { CloseCode } from '../../../shared/closeCodes.ts';
import type { BoardJoinResult } from '../../../shared/events.ts';
import { getBoard, getRecordHistory } from '../api/boardsApi.ts';
import { ApiRequestError } from '../api/http.ts';
import { openBoardSync, type BoardSync, type ConnectionState, type Peer } from '../lib/boardSync.ts';
import { useRealtimeStore } from './realtime.ts';
import { useSessionStore } from './session.ts';

export type { ConnectionState, Peer };

/** Where opening a board got to: its summary is fetched first, then its document is opened. */
export type BoardLoadState = 'loading' | 'ready' | 'not-found' | 'no-access' | 'error';

/** After this many refused connection attempts in a row, ask the REST API why. */
const REFUSALS_BEFORE_CHECK = 2;
const MIN_CHECK_INTERVAL_MS = 15_000;

/**
 * One open board. `load` asks the server whether the user may open it (`GET /api/boards/:id`) and
 * only then opens its Yjs document (lib/boardSync.ts). Components read `actions`, `people`,
 * `connection`, `peers` and `readOnly` and call the methods; they never see Y types. Nothing is
 * written before the first sync, so an empty local document can never overwrite the stored board.
 */
export const useBoardStore = defineStore('board', () => {
  const session = useSessionStore();
  const realtime = useRealtimeStore();

  const boardId = ref<string | null>(null);
  const summary = ref<BoardSummary | null>(null);
  const loadState = ref<BoardLoadState>('loading');
  const loadError = ref('');
  const actions = shallowRef<RecordRead<Action>[]>([]);
  const people = shallowRef<RecordRead<Person>[]>([]);
  const connection = ref<ConnectionState>('connecting');
  /** True once the document has synced with the server at least once; edits wait for it. */
  const hasSynced = ref(false);
  /** Set when the server closed the connection for good (e.g. a malformed message). */
  const closedReason = ref('');
  const peers = ref<Peer[]>([]);
  let sync: BoardSync | null = null;
  let leaveRoom: (() => void) | null = null;
  let refusals = 0;
  let lastCheck = 0;

  const access = computed(() => summary.value?.access ?? 'view');
  /** Viewers, managers and admins outside the owning teams see the board live but change nothing. */
  const readOnly = computed(() => access.value !== 'edit');
  const validPeople = computed(() => people.value.flatMap((p) => (p.ok ? [p.value] : [])));

  function closeDocument(): void {
    leaveRoom?.();
    leaveRoom = null;
    sync?.dispose();
    sync = null;
    actions.value = [];
    people.value = [];
    peers.value = [];
    connection.value = 'connecting';
    hasSynced.value = false;
    closedReason.value = '';
    refusals = 0;
  }

  function close(): void {
    closeDocument();
    boardId.value = null;
    summary.value = null;
    loadState.value = 'loading';
    loadError.value = '';
  }

  /** The board cannot be shown: no access (403), gone (404), or another failure. 401 is the session's. */
  function fail(error: unknown): void {
    if (error instanceof ApiRequestError && error.status === 401) return;
    closeDocument();
    loadError.value = error instanceof Error ? error.message : 'The board could not be loaded';
    if (error instanceof ApiRequestError && error.status === 403) loadState.value = 'no-access';
    else if (error instanceof ApiRequestError && error.status === 404) loadState.value = 'not-found';
    else loadState.value = 'error';
  }

  function onJoin(result: BoardJoinResult): void {
    if (!result.ok) fail(new ApiRequestError(result.error, result.status));
    else if (summary.value && result.access !== summary.value.access) void refreshAccess();
  }

  function onClose(code: number | null, opened: boolean): void {
    if (code === CloseCode.SessionEnded) {
      void session.check().then(() => {
        // The server ended this connection's session but the session is still valid: try again.
        if (session.state === 'signed-in') sync?.reconnect();
      });
    } else if (code === CloseCode.AccessRevoked) {
      fail(new ApiRequestError('You do not have access to this board', 403));
    } else if (code === CloseCode.AccessChanged) {
      void refreshAccess();
    } else if (!opened) {
      // A refused upgrade (401/403/404) reaches the browser as a bare 1006: ask the REST API why.
      refusals += 1;
      if (refusals >= REFUSALS_BEFORE_CHECK && Date.now() - lastCheck >= MIN_CHECK_INTERVAL_MS) {
        void refreshAccess();
      }
    }
  }

  function openDocument(id: string): void {
    const presence = session.presenceUser;
    if (!presence) return;
    sync = openBoardSync(id, presence, {
      onRead: (read) => {
        actions.value = read.actions;
        people.value = read.people;
      },
      onConnection: (state) => {
        connection.value = state;
        if (state === 'live') refusals = 0;
      },
      onSynced: () => {
        hasSynced.value = true;
        closedReason.value = '';
      },
      onPeers: (list) => {
        peers.value = list;
      },
      onClose,
      onClosedForGood: (reason) => {
        closedReason.value = reason || 'The server closed the connection to this board';
      },
    });
    leaveRoom = realtime.joinBoard(id, onJoin);
  }

  /** Fetches the board, then opens its document. A board already open stays open. */
  async function load(id: string): Promise<void> {
    if (boardId.value === id && (loadState.value === 'ready' || loadState.value === 'loading')) return;
    close();
    boardId.value = id;
    try {
      const found = await getBoard(id);
      if (boardId.value !== id) return;
      summary.value = found;
      loadState.value = 'ready';
      openDocument(id);
    } catch (error) {
      if (boardId.value === id) fail(error);
    }
  }

  /** Fetches the user's access again (after `access:changed`, or a close saying it changed). */
  async function refreshAccess(): Promise<void> {
    const id = boardId.value;
    if (!id || loadState.value !== 'ready') return;
    lastCheck = Date.now();
    try {
      const found = await getBoard(id);
      if (boardId.value === id && loadState.value === 'ready') summary.value = found;
    } catch (error) {
      if (boardId.value !== id) return;
      // Offline or a server hiccup says nothing about access: keep the board open.
      if (error instanceof ApiRequestError && [403, 404].includes(error.status)) fail(error);
    }
  }

  // Access can change either way: a board shown as "no access" opens once the user joins its team.
  realtime.onAccessChanged(() => {
    if (loadState.value === 'no-access' && boardId.value) void load(boardId.value);
    else void refreshAccess();
  });

  function writable(): NonNullable<typeof sync> {
    if (readOnly.value) throw new Error('You can view this board but not change it');
    if (!sync || !hasSynced.value) throw new Error('The board has not loaded yet; try again in a moment');
    return sync;
  }

  function addAction(input: ActionInput): Action {
    const name = session.user?.name;
    if (!name) throw new Error('Sign in to add actions');
    return writable().board.addAction(input, name);
  }

  function updateAction(id: string, patch: ActionPatch): void {
    writable().board.updateAction(id, patch);
  }

  function completeAction(id: string): void {
    writable().board.completeAction(id);
  }

  /** Who changed what on one action, newest first. */
  function actionHistory(actionId: string): Promise<AuditEntry[]> {
    const id = boardId.value;
    if (!id) return Promise.reject(new Error('No board is open'));
    return getRecordHistory(id, { recordType: Collection.actions, recordId: actionId });
  }

  return {
    boardId,
    summary,
    loadState,
    loadError,
    access,
    readOnly,
    actions,
    people,
    validPeople,
    connection,
    hasSynced,
    closedReason,
    peers,
    load,
    close,
    refreshAccess,
    addAction,
    updateAction,
    completeAction,
    actionHistory,
  };
});
