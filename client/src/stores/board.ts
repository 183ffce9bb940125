import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { BoardSummary } from '#shared/boards';
import type { BoardMember } from '#shared/boards';
import type { AuditEntry } from '#shared/audit';
import type { Action, ActionInput, ActionPatch, ActionStatus } from '#shared/board/action';
import type { CollectionName } from '#shared/board/boardDoc';
import {
  progressByGoal as goalProgressByGoal,
  type Goal,
  type GoalInput,
  type GoalPatch,
} from '#shared/board/goal';
import { byDueDate, groupBy } from '../lib/boardIndex.ts';
import type { PathwayStage, PathwayStageRecord, StageInput } from '#shared/board/pathway';
import type { Person, PersonDetails, PersonInput } from '#shared/board/person';
import { validRecords, type Actor, type RecordRead, type WriteContext } from '#shared/board/record';
import { CloseCode } from '#shared/sync/closeCodes';
import type { BoardJoinResult, BoardStorageState } from '#shared/events';
import type { SyncRefusal } from '#shared/sync/protocol';
import { getBoard, getBoardMembers, getRecordHistory } from '../api/boardsApi.ts';
import { ApiRequestError } from '../api/http.ts';
import {
  CLOSED_BOARD,
  openBoardSync,
  pendingKey,
  type BoardSync,
  type BoardSyncState,
  type ConnectionState,
  type EditingRef,
  type Peer,
} from '../lib/boardSync.ts';
import { forgetLocalBoard } from '../lib/localBoards.ts';
import { useOrganisationsStore } from './organisations.ts';
import { useRealtimeStore } from './realtime.ts';
import { useSessionStore } from './session.ts';
import { errorMessage } from '../lib/errorMessage.ts';

export type { ConnectionState, EditingRef, Peer };

/** Where opening a board got to: its summary is fetched first, then its document is opened. */
export type BoardLoadState = 'loading' | 'ready' | 'not-found' | 'no-access' | 'error';

/** A change made here that the server did not keep, and why. */
export interface RefusedChange extends SyncRefusal {
  key: number;
}

/** Refusals shown at once, at most; an older one gives way to a newer. */
const REFUSALS_SHOWN = 3;
let nextRefusalKey = 0;

/** After this many refused connection attempts in a row, ask the REST API why. */
const REFUSALS_BEFORE_CHECK = 2;
const MIN_CHECK_INTERVAL_MS = 15_000;
/** How long "changes are being stored again" stays up after the server catches up. */
const STORED_AGAIN_SHOWN_MS = 10_000;

function byId<T extends { id: string }>(records: readonly T[]): Map<string, T> {
  return new Map(records.map((record) => [record.id, record]));
}

/**
 * One open board. `load` asks the server whether the user may open it (`GET /api/boards/:id`) and
 * only then opens its Yjs document (lib/boardSync.ts). Components read the records (`people`,
 * `goals`, `actions`, `stages`, and their valid, indexed forms), `connection`, `peers`, `pending`
 * and `readOnly`, and call the methods; they never see Y types. Nothing is written before the first
 * sync, so an empty local document can never overwrite the stored board.
 */
export const useBoardStore = defineStore('board', () => {
  const session = useSessionStore();
  const realtime = useRealtimeStore();
  const organisations = useOrganisationsStore();

  const boardId = ref<string | null>(null);
  const summary = ref<BoardSummary | null>(null);
  const loadState = ref<BoardLoadState>('loading');
  const loadError = ref('');
  /** The open document, as lib/boardSync.ts reports it (one object, replaced whenever any of it changes). */
  const syncState = shallowRef<BoardSyncState>(CLOSED_BOARD);
  const actions = computed<RecordRead<Action>[]>(() => syncState.value.read.actions);
  const people = computed<RecordRead<Person>[]>(() => syncState.value.read.people);
  const goals = computed<RecordRead<Goal>[]>(() => syncState.value.read.goals);
  const stageReads = computed<RecordRead<PathwayStage>[]>(() => syncState.value.read.stages);
  const members = shallowRef<BoardMember[]>([]);
  const membersError = ref('');
  const connection = computed<ConnectionState>(() => syncState.value.connection);
  /** True once the document has synced with the server at least once; edits wait for it. */
  const hasSynced = computed(() => syncState.value.synced);
  /** True once the copy kept in this browser has loaded: the board can be shown while it connects. */
  const hasLocalCopy = computed(() => syncState.value.localCopy);
  /** Set when the server closed the connection for good (e.g. a malformed message). */
  const closedReason = computed(() => syncState.value.closedReason ?? '');
  /** Changes made here that the server did not keep, newest last, until dismissed. */
  const refusedChanges = shallowRef<RefusedChange[]>([]);
  const rawPeers = computed<Peer[]>(() => syncState.value.peers);
  /** Records changed here that have not reached the server yet (`collection/id`). */
  const pending = computed<ReadonlySet<string>>(() => syncState.value.pending);
  const canUndo = computed(() => syncState.value.canUndo);
  const canRedo = computed(() => syncState.value.canRedo);
  /** Whether the server is storing this board's changes (`delayed`: it has fallen behind). */
  const storage = ref<BoardStorageState>('stored');
  /** Shown for a short while after storage caught up again. */
  const storedAgain = ref(false);
  /** Whether this browser is told how storing the board's changes stands (its room is joined). */
  const storageWatched = computed(() => boardId.value !== null && realtime.hasJoined(boardId.value));
  let storedAgainTimer: ReturnType<typeof setTimeout> | undefined;
  let sync: BoardSync | null = null;
  let leaveRoom: (() => void) | null = null;
  let refusals = 0;
  let lastCheck = 0;

  const access = computed(() => summary.value?.access ?? 'view');
  /** Viewers, managers and admins outside the owning teams see the board live but change nothing. */
  const readOnly = computed(() => access.value !== 'edit');
  const actor = computed<Actor>(() => ({ id: session.user?.id ?? null, name: session.user?.name ?? '' }));

  const validPeople = computed(() => validRecords(people.value));
  /** People the team is supporting now (not archived). */
  const activePeople = computed(() => validPeople.value.filter((p) => !p.archived));
  const validGoals = computed(() => validRecords(goals.value));
  const validActions = computed(() => validRecords(actions.value));
  const stages = computed<PathwayStageRecord[]>(() =>
    stageReads.value.flatMap((s) => (s.ok ? [{ ...s.value, id: s.id }] : [])),
  );
  const peopleById = computed(() => byId(validPeople.value));
  const goalsById = computed(() => byId(validGoals.value));
  const membersById = computed(() => byId(members.value));
  const stagesById = computed(() => byId(stages.value));
  /** Each person's goals and actions (soonest due first), for views that list them by person. */
  const goalsByPerson = computed(() => groupBy(validGoals.value, (g) => g.personId));
  const actionsByPerson = computed(() => groupBy([...validActions.value].sort(byDueDate), (a) => a.personId));
  /** How far each goal's linked actions have got (cancelled ones do not count). */
  const progressByGoal = computed(() => goalProgressByGoal(validActions.value));
  /** Everyone else on the board, coloured by their organisation. */
  const peers = computed(() =>
    rawPeers.value.map((peer) => ({ ...peer, colour: organisations.colourOf(peer.organisationId) })),
  );
  const pendingCount = computed(() => pending.value.size);

  function isPending(collection: CollectionName, id: string): boolean {
    return pending.value.has(pendingKey(collection, id));
  }

  /** Who else is working on one record right now. */
  function editorsOf(recordType: CollectionName, recordId: string): Peer[] {
    return peers.value.filter((p) => p.editing?.recordType === recordType && p.editing.recordId === recordId);
  }

  function closeDocument(): void {
    leaveRoom?.();
    leaveRoom = null;
    sync?.dispose();
    sync = null;
    syncState.value = CLOSED_BOARD;
    refusedChanges.value = [];
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

  function dismissRefusal(key: number): void {
    refusedChanges.value = refusedChanges.value.filter((r) => r.key !== key);
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
      onState: (state) => {
        syncState.value = state;
        if (state.connection === 'live') refusals = 0;
      },
      onClose,
      onRefused: (refusal) => {
        refusedChanges.value = [...refusedChanges.value, { ...refusal, key: ++nextRefusalKey }].slice(
          -REFUSALS_SHOWN,
        );
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
    void loadMembers(id);
    try {
      const found = await getBoard(id);
      if (boardId.value !== id) return;
      summary.value = found;
      loadState.value = 'ready';
      sync?.keepLocally(found.createdAt);
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
    if (id === boardId.value && sync) onStorage(state);
  });

  // Access can change either way: a board shown as "no access" opens once the user joins its team.
  realtime.onAccessChanged(() => {
    if (loadState.value === 'no-access' && boardId.value) void load(boardId.value);
    else void refreshAccess();
  });

  /**
   * Makes one change to the board as the signed-in user: its own undo step, never merged with typing
   * just before or after it. Throws an Error with a message to show when the change is refused.
   */
  function write<T>(change: (board: BoardSync['board'], context: WriteContext) => T): T {
    if (readOnly.value) throw new Error('You can view this board but not change it');
    if (!sync || !hasSynced.value) throw new Error('The board has not loaded yet; try again in a moment');
    if (!actor.value.id) throw new Error('Sign in to change the board');
    sync.endUndoStep();
    const result = change(sync.board, { by: actor.value, now: new Date() });
    sync.endUndoStep();
    return result;
  }

  const addPerson = (input: PersonInput): Person => write((b, as) => b.addPerson(input, as));
  const updatePerson = (id: string, patch: Partial<PersonDetails>): Person =>
    write((b, as) => b.updatePerson(id, patch, as));
  const movePersonToStage = (id: string, stageId: string | null): void =>
    write((b, as) => b.movePersonToStage(id, stageId, as));
  const archivePerson = (id: string, reason: string): void =>
    write((b, as) => b.archivePerson(id, reason, as));
  const restorePerson = (id: string): void => write((b, as) => b.restorePerson(id, as));

  const addGoal = (input: GoalInput): Goal => write((b, as) => b.addGoal(input, as));
  const updateGoal = (id: string, patch: GoalPatch): Goal => write((b, as) => b.updateGoal(id, patch, as));

  const addAction = (input: ActionInput): Action => write((b, as) => b.addAction(input, as));
  const updateAction = (id: string, patch: ActionPatch): Action =>
    write((b, as) => b.updateAction(id, patch, as));
  const moveAction = (id: string, status: ActionStatus): Action => updateAction(id, { status });
  const completeAction = (id: string): Action => write((b, as) => b.completeAction(id, as));

  const addStage = (input: StageInput): PathwayStage => write((b, as) => b.addStage(input, as));
  const updateStage = (id: string, input: StageInput): PathwayStage =>
    write((b, as) => b.updateStage(id, input, as));
  const moveStage = (id: string, index: number): void => write((b, as) => b.moveStage(id, index, as));
  const removeStage = (id: string): void => write((b, as) => b.removeStage(id, as));

  /** Undoes this person's own last change on the board (never someone else's). */
  function undo(): void {
    if (!readOnly.value) sync?.undo();
  }

  function redo(): void {
    if (!readOnly.value) sync?.redo();
  }

  /** Shows everyone else which record this person is working on. */
  function setEditing(editing: EditingRef | null): void {
    sync?.setEditing(editing);
  }

  /**
   * Binds a textarea to one of a record's shared text fields (SBAR, what matters, goal notes). Returns
   * the function that unbinds it, or null when the board is not open or the record has no such field.
   */
  function bindText(element: HTMLTextAreaElement, ref: EditingRef, field: string): (() => void) | null {
    return sync?.bindText(element, ref, field) ?? null;
  }

  /** Who changed what on one record, newest first. */
  function history(recordType: CollectionName, recordId: string): Promise<AuditEntry[]> {
    const id = boardId.value;
    if (!id) return Promise.reject(new Error('No board is open'));
    return getRecordHistory(id, { recordType, recordId });
  }

  return {
    boardId,
    summary,
    loadState,
    loadError,
    access,
    readOnly,
    actor,
    actions,
    people,
    goals,
    stageReads,
    members,
    membersError,
    validPeople,
    activePeople,
    validGoals,
    validActions,
    stages,
    peopleById,
    goalsById,
    membersById,
    stagesById,
    goalsByPerson,
    actionsByPerson,
    progressByGoal,
    connection,
    hasSynced,
    hasLocalCopy,
    closedReason,
    refusedChanges,
    dismissRefusal,
    peers,
    pending,
    pendingCount,
    canUndo,
    canRedo,
    storage,
    storedAgain,
    storageWatched,
    isPending,
    editorsOf,
    load,
    close,
    refreshAccess,
    addPerson,
    updatePerson,
    movePersonToStage,
    archivePerson,
    restorePerson,
    addGoal,
    updateGoal,
    addAction,
    updateAction,
    moveAction,
    completeAction,
    addStage,
    updateStage,
    moveStage,
    removeStage,
    undo,
    redo,
    setEditing,
    bindText,
    history,
  };
});
