import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { BoardMember, BoardSummary } from '#shared/boards';
import type { BoardJoinResult, BoardStorageState } from '#shared/events';
import { CloseCode } from '#shared/sync/closeCodes';
import { getBoard, getBoardMembers, getBoardSnapshot } from '../api/boardsApi.ts';
import { ApiRequestError } from '../api/http.ts';
import { errorMessage } from '../lib/errorMessage.ts';
import { forgetLocalBoard } from '../lib/board/localBoards.ts';
import { useBoardStore } from './board.ts';
import { useRealtimeStore } from './realtime.ts';
import { useSessionStore } from './session.ts';

/** Where opening a board got to: its summary is fetched first, then its document is opened. */
export type BoardLoadState = 'loading' | 'ready' | 'not-found' | 'no-access' | 'error';

/** After this many refused connection attempts in a row, ask the REST API why. */
const REFUSALS_BEFORE_CHECK = 2;
const MIN_CHECK_INTERVAL_MS = 15_000;
/** How long "changes are being stored again" stays up after the server catches up. */
const STORED_AGAIN_SHOWN_MS = 10_000;

/**
 * Opening one board, and keeping it open only while the signed-in user may: `load` asks the server
 * what they may do with it (`GET /api/boards/:id`) while its document (stores/board.ts) starts
 * syncing, and asks again whenever access may have changed (socket.io's `access:changed`, a close
 * code, refused reconnections). It also holds who works on the board and whether the server is
 * storing its changes. The board's records and writes are the board store's.
 */
export const useBoardAccessStore = defineStore('boardAccess', () => {
  const session = useSessionStore();
  const realtime = useRealtimeStore();
  // The document store asks this one what the user may do; it is reached lazily, once both exist.
  const boardDocument = () => useBoardStore();

  const boardId = ref<string | null>(null);
  const summary = ref<BoardSummary | null>(null);
  const loadState = ref<BoardLoadState>('loading');
  const loadError = ref('');
  const members = shallowRef<BoardMember[]>([]);
  const membersError = ref('');
  /** Whether the server is storing this board's changes (`delayed`: it has fallen behind). */
  const storage = ref<BoardStorageState>('stored');
  /** Shown for a short while after storage caught up again. */
  const storedAgain = ref(false);
  /** Whether this browser is told how storing the board's changes stands (its room is joined). */
  const storageWatched = computed(() => boardId.value !== null && realtime.hasJoined(boardId.value));
  const access = computed(() => summary.value?.access ?? 'view');
  /** Viewers, managers and admins outside the owning teams see the board live but change nothing. */
  const readOnly = computed(() => access.value !== 'edit');
  let storedAgainTimer: ReturnType<typeof setTimeout> | undefined;
  let leaveRoom: (() => void) | null = null;
  let refusals = 0;
  let lastCheck = 0;

  function closeDocument(): void {
    leaveRoom?.();
    leaveRoom = null;
    boardDocument().closeDocument();
    refusals = 0;
    clearTimeout(storedAgainTimer);
    storage.value = 'stored';
    storedAgain.value = false;
  }

  function onStorage(state: BoardStorageState): void {
    if (state === storage.value) return;
    const caughtUp = storage.value === 'delayed' && state === 'stored';
    storage.value = state;
    clearTimeout(storedAgainTimer);
    storedAgain.value = caughtUp;
    if (caughtUp) storedAgainTimer = setTimeout(() => (storedAgain.value = false), STORED_AGAIN_SHOWN_MS);
  }

  function close(): void {
    closeDocument();
    boardId.value = null;
    summary.value = null;
    members.value = [];
    membersError.value = '';
    loadState.value = 'loading';
    loadError.value = '';
  }

  /** The board cannot be shown: no access (403), gone (404), or another failure. 401 is the session's. */
  function fail(error: unknown): void {
    if (error instanceof ApiRequestError && error.status === 401) return;
    const lost = boardId.value;
    closeDocument();
    loadError.value = errorMessage(error, 'The board could not be loaded');
    if (error instanceof ApiRequestError && (error.status === 403 || error.status === 404)) {
      loadState.value = error.status === 403 ? 'no-access' : 'not-found';
      // What this browser kept of a board the person may no longer see goes too.
      if (lost && session.user) void forgetLocalBoard(session.user.id, lost);
    } else loadState.value = 'error';
  }

  function onJoin(result: BoardJoinResult): void {
    if (!result.ok) return fail(new ApiRequestError(result.error, result.status));
    onStorage(result.storage ?? 'stored'); // a server from before `storage` was answered
    if (summary.value && result.access !== summary.value.access) void refreshAccess();
  }

  /** What a closed connection to the board's document says about access. */
  function onClose(code: number | null, opened: boolean): void {
    if (code === CloseCode.SessionEnded) {
      void session.check().then(() => {
        // The server ended this connection's session but the session is still valid: try again.
        if (session.state === 'signed-in') boardDocument().reconnect();
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
    boardDocument().openDocument(id, {
      onClose,
      onLive: () => {
        refusals = 0;
      },
    });
    leaveRoom = realtime.joinBoard(id, onJoin);
  }

  async function loadMembers(id: string): Promise<void> {
    try {
      const found = await getBoardMembers(id);
      if (boardId.value === id) {
        members.value = found;
        membersError.value = '';
      }
    } catch (error) {
      if (boardId.value === id) {
        membersError.value =
          error instanceof Error
            ? `The team could not be loaded: ${error.message}`
            : 'The team could not be loaded';
      }
    }
  }

  /**
   * The board's records as the server holds them, shown while its document loads: a large board's
   * document takes far longer to arrive and read. Without it the document brings the board as before.
   */
  async function loadSnapshot(id: string): Promise<void> {
    try {
      const snapshot = await getBoardSnapshot(id);
      if (boardId.value === id) boardDocument().showSnapshot(snapshot);
    } catch {
      // Nothing to tell: the board's document shows the board once it has loaded, and says why not.
    }
  }

  /**
   * Opens a board: its document starts syncing while the REST API says what the user may do with it
   * (the server checks access again at the WebSocket upgrade, and a refusal closes the document). The
   * copy kept in this browser is used once the board is known to be the same one. A board already
   * open stays open.
   */
  async function load(id: string): Promise<void> {
    if (boardId.value === id && (loadState.value === 'ready' || loadState.value === 'loading')) return;
    close();
    boardId.value = id;
    openDocument(id);
    void loadSnapshot(id);
    void loadMembers(id);
    try {
      const found = await getBoard(id);
      if (boardId.value !== id) return;
      summary.value = found;
      loadState.value = 'ready';
      boardDocument().keepLocally(found.createdAt);
    } catch (error) {
      if (boardId.value === id) fail(error);
    }
  }

  /**
   * The board as the server draws its first view (firstView.ts): what the server already knows is
   * set as if `load` had fetched it, and no document is opened.
   */
  function drawFrom(found: BoardSummary, team: BoardMember[]): void {
    boardId.value = found.id;
    summary.value = found;
    members.value = team;
    loadState.value = 'ready';
  }

  /** Fetches the user's access again (after `access:changed`, or a close saying it changed). */
  async function refreshAccess(): Promise<void> {
    const id = boardId.value;
    if (!id || loadState.value !== 'ready') return;
    lastCheck = Date.now();
    try {
      const found = await getBoard(id);
      if (boardId.value === id && loadState.value === 'ready') {
        summary.value = found;
        void loadMembers(id);
      }
    } catch (error) {
      if (boardId.value !== id) return;
      // Offline or a server hiccup says nothing about access: keep the board open.
      if (error instanceof ApiRequestError && [403, 404].includes(error.status)) fail(error);
    }
  }

  realtime.onBoardStorage((id, state) => {
    if (id === boardId.value && boardDocument().isOpen()) onStorage(state);
  });

  // Access can change either way: a board shown as "no access" opens once the user joins its team.
  realtime.onAccessChanged(() => {
    if (loadState.value === 'no-access' && boardId.value) void load(boardId.value);
    else void refreshAccess();
  });

  return {
    boardId,
    summary,
    loadState,
    loadError,
    access,
    readOnly,
    members,
    membersError,
    storage,
    storedAgain,
    storageWatched,
    load,
    drawFrom,
    close,
    refreshAccess,
  };
});
