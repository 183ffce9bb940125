import { computed, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { AuditEntry } from '#shared/audit';
import type { Action, ActionInput, ActionPatch, ActionStatus } from '#shared/board/action';
import type { CollectionName } from '#shared/board/boardDoc';
import type { Comment, CommentInput, CommentSubject } from '#shared/board/comment';
import {
  progressByGoal as goalProgressByGoal,
  type Goal,
  type GoalInput,
  type GoalPatch,
} from '#shared/board/goal';
import { byDueDate, groupBy, keepUnchangedGroups } from '../lib/board/boardIndex.ts';
import type { PathwayStage, PathwayStageRecord, StageInput } from '#shared/board/pathway';
import type { Person, PersonDetails, PersonInput } from '#shared/board/person';
import { validRecords, type Actor, type RecordRead, type WriteContext } from '#shared/board/record';
import type { SyncRefusal } from '#shared/sync/protocol';
import type { BoardSnapshot } from '#shared/board/snapshot';
import { getRecordHistory } from '../api/boardsApi.ts';
import { readSnapshot } from '../lib/board/boardSnapshot.ts';
import { noteRestored } from '../api/versionsApi.ts';
import type { RestoredRequest } from '#shared/versions';
import {
  CLOSED_BOARD,
  openBoardSync,
  pendingKey,
  type BoardRead,
  type BoardSync,
  type BoardSyncState,
  type ConnectionState,
  type EditingRef,
  type Peer,
} from '../lib/board/boardSync.ts';
import { useOrganisationsStore } from './organisations.ts';
import { useBoardAccessStore } from './boardAccess.ts';
import { useSessionStore } from './session.ts';
import { useVersionsStore } from './versions.ts';

export type { ConnectionState, EditingRef, Peer };

export type { BoardLoadState } from './boardAccess.ts';

/** A change made here that the server did not keep, and why. */
export interface RefusedChange extends SyncRefusal {
  key: number;
}

/** What can be restored from a past version, and where the board's reads keep each. */
const READS = { people: 'people', goals: 'goals', actions: 'actions', pathwayStages: 'stages' } as const;
export type RestorableCollection = keyof typeof READS;

/** Refusals shown at once, at most; an older one gives way to a newer. */
const REFUSALS_SHOWN = 3;
let nextRefusalKey = 0;

const commentKey = (subjectType: CommentSubject, subjectId: string): string => `${subjectType}/${subjectId}`;

function byId<T extends { id: string }>(records: readonly T[]): Map<string, T> {
  return new Map(records.map((record) => [record.id, record]));
}

/** What opening a board's document wants to hear besides its state. */
export interface DocumentEvents {
  /** A connection closed (`code`: the WebSocket close code, null when the browser closed it). */
  onClose(code: number | null, opened: boolean): void;
  /** The board is live again. */
  onLive(): void;
}

/**
 * One open board's records and writes: its Yjs document (lib/board/boardSync.ts), opened and closed by
 * the board access store (stores/boardAccess.ts), which decides whether the user may have it.
 * Components read the records (`people`, `goals`, `actions`, `stages`, and their valid, indexed
 * forms), `connection`, `peers`, `pending` and `readOnly`, and call the methods; they never see Y
 * types. Nothing is written before the first sync, so an empty local document can never overwrite
 * the stored board.
 */
export const useBoardStore = defineStore('board', () => {
  const session = useSessionStore();
  const organisations = useOrganisationsStore();
  const opening = useBoardAccessStore();
  const versions = useVersionsStore();
  const boardId = computed(() => opening.boardId);
  /** A past version is open: the board shows it as it was, and nothing can be changed. */
  const viewingVersion = computed(() => versions.viewing);
  const members = computed(() => opening.members);

  /** The open document, as lib/board/boardSync.ts reports it (one object, replaced whenever any of it changes). */
  const syncState = shallowRef<BoardSyncState>(CLOSED_BOARD);
  /** The server's snapshot is shown while the document loads: nothing can be changed from it. */
  const hasSnapshot = computed(() => syncState.value.fromSnapshot);
  const readOnly = computed(() => opening.readOnly || viewingVersion.value || hasSnapshot.value);
  /** The records every view shows: the board's as they are, or a past version's while one is open. */
  const shown = computed<BoardRead>(() =>
    versions.viewing ? (versions.open?.read ?? CLOSED_BOARD.read) : syncState.value.read,
  );
  /** The board's records as they are now, whatever version is open. */
  const live = computed<BoardRead>(() => syncState.value.read);
  const actions = computed<RecordRead<Action>[]>(() => shown.value.actions);
  const people = computed<RecordRead<Person>[]>(() => shown.value.people);
  const goals = computed<RecordRead<Goal>[]>(() => shown.value.goals);
  const stageReads = computed<RecordRead<PathwayStage>[]>(() => shown.value.stages);
  const comments = computed<RecordRead<Comment>[]>(() => shown.value.comments);
  const connection = computed<ConnectionState>(() => syncState.value.connection);
  /** True once the document has synced with the server at least once. */
  const hasSynced = computed(() => syncState.value.synced);
  /** True once the copy kept in this browser has loaded: the board can be shown while it connects. */
  const hasLocalCopy = computed(() => syncState.value.localCopy);
  /**
   * True once the board's document holds the board, from the server or from the copy kept in this
   * browser; edits wait for it. An edit made on the kept copy before the server answers (reloaded
   * with no signal, say) is pending until shared, as any edit made offline.
   */
  const hasLoaded = computed(() => hasSynced.value || hasLocalCopy.value);
  /** Set when the server closed the connection for good (e.g. a malformed message). */
  const closedReason = computed(() => syncState.value.closedReason ?? '');
  /** Changes made here that the server did not keep, newest last, until dismissed. */
  const refusedChanges = shallowRef<RefusedChange[]>([]);
  const rawPeers = computed<Peer[]>(() => syncState.value.peers);
  /** Records changed here that have not reached the server yet (`collection/id`). */
  const pending = computed<ReadonlySet<string>>(() => syncState.value.pending);
  const canUndo = computed(() => syncState.value.canUndo);
  const canRedo = computed(() => syncState.value.canRedo);
  let sync: BoardSync | null = null;

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
  const goalsByPerson = computed((previous?: Map<string, Goal[]>) =>
    keepUnchangedGroups(
      previous,
      groupBy(validGoals.value, (g) => g.personId),
    ),
  );
  const actionsByPerson = computed((previous?: Map<string | null, Action[]>) =>
    keepUnchangedGroups(
      previous,
      groupBy([...validActions.value].sort(byDueDate), (a) => a.personId),
    ),
  );
  const validComments = computed(() => validRecords(comments.value));
  /** Each action's and person's comments, oldest first, keyed `actions/<id>` or `people/<id>`. */
  const commentsBySubject = computed(() =>
    groupBy(
      [...validComments.value].sort(
        (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      ),
      (c) => commentKey(c.subjectType, c.subjectId),
    ),
  );
  /** The comments on one action or person, oldest first (withdrawn ones too: they say so). */
  function commentsOn(subjectType: CommentSubject, subjectId: string): Comment[] {
    return commentsBySubject.value.get(commentKey(subjectType, subjectId)) ?? [];
  }
  /** How many comments one action or person has that are not withdrawn: what its card shows. */
  function commentCount(subjectType: CommentSubject, subjectId: string): number {
    return commentsOn(subjectType, subjectId).filter((c) => c.withdrawnAt === null).length;
  }
  /**
   * What was typed in a comment box and not yet added, by board and action or person: closing the
   * comments (Escape) or leaving a person's page keeps it, and the box shows it again when it opens.
   * In memory only, for as long as the page is open.
   */
  const commentDrafts = new Map<string, string>();
  function commentDraft(subjectType: CommentSubject, subjectId: string): string {
    return commentDrafts.get(`${boardId.value}/${commentKey(subjectType, subjectId)}`) ?? '';
  }
  function keepCommentDraft(subjectType: CommentSubject, subjectId: string, text: string): void {
    const key = `${boardId.value}/${commentKey(subjectType, subjectId)}`;
    if (text.trim()) commentDrafts.set(key, text);
    else commentDrafts.delete(key);
  }
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

  /** Closes the board's document; what it showed goes with it. */
  function closeDocument(): void {
    sync?.dispose();
    sync = null;
    syncState.value = CLOSED_BOARD;
    refusedChanges.value = [];
  }

  function dismissRefusal(key: number): void {
    refusedChanges.value = refusedChanges.value.filter((r) => r.key !== key);
  }

  /** Opens a board's document (closing any other): it syncs with the server and reports as it goes. */
  function openDocument(id: string, events: DocumentEvents): void {
    closeDocument();
    const presence = session.presenceUser;
    if (!presence) return;
    sync = openBoardSync(id, presence, {
      onState: (state) => {
        syncState.value = state;
        if (state.connection === 'live') events.onLive();
      },
      onClose: events.onClose,
      onRefused: (refusal) => {
        refusedChanges.value = [...refusedChanges.value, { ...refusal, key: ++nextRefusalKey }].slice(
          -REFUSALS_SHOWN,
        );
      },
    });
  }

  /** Keeps the open board in this browser from now on (once it is known to be the same board). */
  function keepLocally(createdAt: string): void {
    sync?.keepLocally(createdAt);
  }

  /** Shows the server's snapshot of the open board until its document has loaded. */
  function showSnapshot(snapshot: BoardSnapshot): void {
    sync?.showSnapshot(snapshot);
  }

  /**
   * The server's snapshot as the server draws the board's first view (firstView.ts), where no
   * document is opened.
   */
  function drawSnapshot(snapshot: BoardSnapshot): void {
    syncState.value = { ...CLOSED_BOARD, read: readSnapshot(snapshot), fromSnapshot: true };
  }

  /** Connects again after the server closed the connection, once the reason has gone. */
  function reconnect(): void {
    sync?.reconnect();
  }

  /**
   * Makes one change to the board as the signed-in user: its own undo step, never merged with typing
   * just before or after it. Throws an Error with a message to show when the change is refused.
   */
  function write<T>(change: (board: BoardSync['board'], context: WriteContext) => T): T {
    if (viewingVersion.value)
      throw new Error('This is a past version of the board; go back to the board now to change it');
    return writeLive(change);
  }

  /** A change to the board's meetings as the signed-in user (marks, outcomes, joining, amendments). */
  function writeMeeting<T>(change: (meetings: BoardSync['meetings'], context: WriteContext) => T): T {
    return writeLive(() => change(sync!.meetings, { by: actor.value, now: new Date() }));
  }

  /** A change to the board as it is now, even while a past version is open (restoring from it). */
  function writeLive<T>(change: (board: BoardSync['board'], context: WriteContext) => T): T {
    if (opening.readOnly) throw new Error('You can view this board but not change it');
    if (!sync || !hasLoaded.value) throw new Error('The board has not loaded yet; try again in a moment');
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

  const addComment = (input: CommentInput): Comment => write((b, as) => b.addComment(input, as));
  const editComment = (id: string, change: { body: string; mentions: readonly string[] }): Comment =>
    write((b, as) => b.editComment(id, change, as));
  const withdrawComment = (id: string): Comment => write((b, as) => b.withdrawComment(id, as));

  const addStage = (input: StageInput): PathwayStage => write((b, as) => b.addStage(input, as));
  const updateStage = (id: string, input: StageInput): PathwayStage =>
    write((b, as) => b.updateStage(id, input, as));
  const moveStage = (id: string, index: number): void => write((b, as) => b.moveStage(id, index, as));
  const removeStage = (id: string): void => write((b, as) => b.removeStage(id, as));

  /** A valid record of the past version open now, by collection and id. */
  function versionRecord(collection: RestorableCollection, id: string): Record<string, unknown> | undefined {
    const read = versions.open?.read[READS[collection]].find((r) => r.id === id);
    return read?.ok ? (read.value as Record<string, unknown>) : undefined;
  }

  /** The same record on the board now, as read and validated (undefined when it is not there). */
  function liveRecord(collection: RestorableCollection, id: string): Record<string, unknown> | undefined {
    const read = live.value[READS[collection]].find((r) => r.id === id);
    return read?.ok ? (read.value as Record<string, unknown>) : undefined;
  }

  /** Whether restoring a record (or some of its fields) from the open version would change the board now. */
  function differsFromNow(collection: RestorableCollection, id: string, fields?: readonly string[]): boolean {
    const past = versionRecord(collection, id);
    if (!past) return false;
    const now = liveRecord(collection, id);
    if (!now) return true;
    return (fields ?? Object.keys(past)).some(
      (field) => field !== 'id' && JSON.stringify(past[field]) !== JSON.stringify(now[field]),
    );
  }

  /**
   * Puts one record (or some of its fields: an SBAR part) back as the open past version had it, as
   * the signed-in user's change to the board now: checked by the server like any other, in the
   * audit trail, undone by Undo. Throws with a message to show when it cannot.
   */
  function restoreFromVersion(
    collection: RestorableCollection,
    id: string,
    fields?: readonly string[],
  ): number {
    const values = versionRecord(collection, id);
    if (!values) throw new Error('This record is not in the version');
    const changed = writeLive((b) => b.restoreRecords([{ collection, id, values, fields }])).length;
    noteInTrail({ scope: 'record', recordType: collection, recordId: id });
    return changed;
  }

  /** The trail says what was restored from which version, beside the changes themselves. */
  function noteInTrail(request: RestoredRequest): void {
    const board = boardId.value;
    const version = versions.openId;
    if (!board || !version) return;
    // The changes themselves are in the trail already; a note that cannot be sent is not worth a message.
    noteRestored(board, version, request).catch(() => undefined);
  }

  /**
   * Puts every person, goal, action and pathway stage back as the open version had them, as one
   * change; people, goals and actions added since are kept, and comments are left as they are.
   * Returns how many records it changed.
   */
  function restoreBoardFromVersion(): number {
    const read = versions.open?.read;
    if (!read) throw new Error('No version is open');
    const records = (Object.keys(READS) as RestorableCollection[]).flatMap((collection) =>
      read[READS[collection]].flatMap((r) =>
        r.ok ? [{ collection, id: r.id, values: r.value as Record<string, unknown> }] : [],
      ),
    );
    const changed = writeLive((b) => b.restoreRecords(records)).length;
    noteInTrail({ scope: 'board' });
    return changed;
  }

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
    readOnly,
    viewingVersion,
    live,
    actor,
    actions,
    people,
    goals,
    stageReads,
    comments,
    members,
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
    validComments,
    commentsOn,
    commentCount,
    connection,
    hasSynced,
    hasLoaded,
    hasLocalCopy,
    hasSnapshot,
    closedReason,
    refusedChanges,
    dismissRefusal,
    peers,
    pending,
    pendingCount,
    canUndo,
    canRedo,
    isPending,
    editorsOf,
    /** Whether a board's document is open. */
    isOpen: () => sync !== null,
    openDocument,
    closeDocument,
    keepLocally,
    showSnapshot,
    drawSnapshot,
    reconnect,
    writeMeeting,
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
    addComment,
    commentDraft,
    keepCommentDraft,
    editComment,
    withdrawComment,
    addStage,
    updateStage,
    moveStage,
    removeStage,
    differsFromNow,
    restoreFromVersion,
    restoreBoardFromVersion,
    undo,
    redo,
    setEditing,
    bindText,
    history,
  };
});
