import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import * as Y from 'yjs';
import { BoardDocument } from '#shared/board/boardDoc';
import type { BoardState } from '#shared/board/changes';
import { validRecords } from '#shared/board/record';
import type { BoardVersionSummary } from '#shared/versions';
import { getVersionState, listVersions, saveVersion } from '../api/versionsApi.ts';
import { readBoard, type BoardRead } from '../lib/board/boardSync.ts';
import { errorMessage } from '../lib/errorMessage.ts';

/** A past version open on the board: what it is, and its records as they were. */
export interface OpenVersion {
  summary: BoardVersionSummary;
  read: BoardRead;
}

/** A board's valid records, to compare with another state of it (`boardChanges`). */
export function boardStateOf(read: BoardRead): BoardState {
  return {
    people: validRecords(read.people),
    goals: validRecords(read.goals),
    actions: validRecords(read.actions),
    stages: read.stages.flatMap((s) => (s.ok ? [{ ...s.value, id: s.id }] : [])),
  };
}

/** The newest version: what the handover marks people as changed since. */
export interface Baseline {
  summary: BoardVersionSummary;
  state: BoardState;
}

/** Every record of a version's document, read and validated as the live board's are. */
export function readVersion(state: Uint8Array): BoardRead {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return readBoard(new BoardDocument(doc));
  } finally {
    doc.destroy();
  }
}

/**
 * The open board's versions: the list (newest first), saving one, and the past version being
 * looked at, if any. While one is open, the board store shows its records, read-only, in every view.
 */
export const useVersionsStore = defineStore('versions', () => {
  const boardId = ref<string | null>(null);
  const list = shallowRef<BoardVersionSummary[]>([]);
  const listState = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const listError = ref('');
  /** The version being looked at, once loaded. */
  const open = shallowRef<OpenVersion | null>(null);
  /** The version asked for (by its id), while it loads or when it failed. */
  const openId = ref<string | null>(null);
  const openState = ref<'none' | 'loading' | 'ready' | 'error'>('none');
  const openError = ref('');
  const viewing = computed(() => openId.value !== null);
  /** The newest version, once asked for (the handover compares the board with it). */
  const baseline = shallowRef<Baseline | null>(null);
  let baselineWanted = false;
  let request = 0;
  let baselineRequest = 0;

  /** Starts afresh for a board (or none): its list is loaded when asked for. */
  function forBoard(id: string | null): void {
    if (id === boardId.value) return;
    boardId.value = id;
    list.value = [];
    listState.value = 'idle';
    baseline.value = null;
    baselineWanted = false;
    baselineRequest += 1;
    leave();
  }

  /**
   * Loads the newest version to compare the board with (again after a new one is saved). Quietly
   * nothing when it cannot: the handover then marks nobody.
   */
  async function loadBaseline(): Promise<void> {
    const id = boardId.value;
    if (!id) return;
    baselineWanted = true;
    const mine = ++baselineRequest;
    try {
      const found = await listVersions(id);
      if (mine !== baselineRequest) return;
      list.value = found;
      listState.value = 'ready';
      const newest = found[0];
      if (!newest) {
        baseline.value = null;
        return;
      }
      if (baseline.value?.summary.id === newest.id) return;
      const state = await getVersionState(id, newest.id);
      if (mine !== baselineRequest) return;
      baseline.value = { summary: newest, state: boardStateOf(readVersion(state)) };
    } catch {
      if (mine === baselineRequest) baseline.value = null;
    }
  }

  async function loadList(): Promise<void> {
    const id = boardId.value;
    if (!id) return;
    if (listState.value !== 'ready') listState.value = 'loading';
    try {
      const found = await listVersions(id);
      if (id !== boardId.value) return;
      list.value = found;
      listState.value = 'ready';
    } catch (error) {
      if (id !== boardId.value) return;
      listError.value = errorMessage(error, 'The versions could not be loaded');
      listState.value = 'error';
    }
  }

  /** Saves the board as it is now; the list shows it first. Throws with a message to show. */
  async function save(label: string): Promise<BoardVersionSummary> {
    const id = boardId.value;
    if (!id) throw new Error('No board is open');
    const saved = await saveVersion(id, { label });
    if (id === boardId.value) {
      list.value = [saved, ...list.value.filter((v) => v.id !== saved.id)];
      listState.value = 'ready';
      if (baselineWanted) void loadBaseline();
    }
    return saved;
  }

  /** Opens a past version of the board to look at (its list is loaded too, for its name). */
  async function view(versionId: string): Promise<void> {
    const id = boardId.value;
    if (!id || (openId.value === versionId && openState.value !== 'error')) return;
    const mine = ++request;
    openId.value = versionId;
    openState.value = 'loading';
    open.value = null;
    try {
      const [state] = await Promise.all([
        getVersionState(id, versionId),
        listState.value === 'ready' ? Promise.resolve() : loadList(),
      ]);
      if (mine !== request) return;
      const summary = list.value.find((v) => v.id === versionId);
      if (!summary) throw new Error('There is no version with that id on this board');
      open.value = { summary, read: readVersion(state) };
      openState.value = 'ready';
    } catch (error) {
      if (mine !== request) return;
      openError.value = errorMessage(error, 'The version could not be opened');
      openState.value = 'error';
    }
  }

  /** Back to the board as it is now. */
  function leave(): void {
    request += 1;
    open.value = null;
    openId.value = null;
    openState.value = 'none';
    openError.value = '';
  }

  return {
    boardId,
    list,
    listState,
    listError,
    open,
    openId,
    openState,
    openError,
    viewing,
    baseline,
    loadBaseline,
    forBoard,
    loadList,
    save,
    view,
    leave,
  };
});
