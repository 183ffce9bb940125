import { ref, watch } from 'vue';
import { defineStore } from 'pinia';
import type { BoardSummary } from '#shared/boards';
import type { CreateBoardRequest } from '#shared/boards';
import { createBoard, listBoards } from '../api/boardsApi.ts';
import { ApiRequestError } from '../api/http.ts';
import { useRealtimeStore } from './realtime.ts';
import { useSessionStore } from './session.ts';

export type BoardsLoadState = 'loading' | 'ready' | 'error';

function byCreation(a: BoardSummary, b: BoardSummary): number {
  return a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name);
}

/**
 * The boards the signed-in user can open, kept live: loaded over REST, extended by `board:created`,
 * loaded again on every socket.io (re)connect (so a board announced while offline is not missed)
 * and whenever the user's access changes.
 */
export const useBoardsStore = defineStore('boards', () => {
  const realtime = useRealtimeStore();
  const session = useSessionStore();
  const boards = ref<BoardSummary[]>([]);
  const loadState = ref<BoardsLoadState>('loading');
  const loadError = ref('');
  let unsubscribe: (() => void)[] = [];
  /** Boards announced while a fetch is in flight, so the fetch's older answer cannot drop them. */
  let announcedDuringFetch: BoardSummary[] | null = null;

  function upsert(board: BoardSummary): void {
    if (announcedDuringFetch) announcedDuringFetch.push(board);
    if (boards.value.some((b) => b.id === board.id)) return;
    boards.value = [...boards.value, board].sort(byCreation);
  }

  async function refresh(): Promise<void> {
    if (boards.value.length === 0) loadState.value = 'loading';
    const announced: BoardSummary[] = [];
    announcedDuringFetch = announced;
    try {
      const fetched = await listBoards();
      const ids = new Set(fetched.map((b) => b.id));
      boards.value = [...fetched, ...announced.filter((b) => !ids.has(b.id))].sort(byCreation);
      loadState.value = 'ready';
      loadError.value = '';
    } catch (error) {
      loadError.value = error instanceof ApiRequestError ? error.message : 'The boards could not be loaded';
      loadState.value = 'error';
    } finally {
      if (announcedDuringFetch === announced) announcedDuringFetch = null;
    }
  }

  /**
   * Starts following the list. It is loaded on every connect (now, if already connected); if the
   * socket cannot connect, it is loaded once over REST anyway, so the page is never left empty.
   */
  function start(): void {
    if (unsubscribe.length) return;
    unsubscribe = [
      realtime.onConnect(() => void refresh()),
      realtime.onConnectError(() => {
        if (loadState.value === 'loading' && !announcedDuringFetch) void refresh();
      }),
      realtime.onAccessChanged(() => void refresh()),
      realtime.onBoardCreated(upsert),
    ];
    if (realtime.connected) void refresh();
  }

  function stop(): void {
    unsubscribe.forEach((off) => off());
    unsubscribe = [];
  }

  async function create(request: CreateBoardRequest): Promise<BoardSummary> {
    const board = await createBoard(request);
    upsert(board);
    return board;
  }

  // Someone else signing in on this browser must never see the last person's list.
  watch(
    () => session.user?.id,
    () => {
      boards.value = [];
      loadState.value = 'loading';
    },
  );

  return { boards, loadState, loadError, start, stop, refresh, create };
});
