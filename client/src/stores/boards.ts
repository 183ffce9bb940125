import { ref } from 'vue';
import { defineStore } from 'pinia';
import { io, type Socket } from 'socket.io-client';
import type { BoardSummary } from '../../../shared/api.ts';
import {
  SOCKET_IO_PATH,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../../shared/events.ts';
import { createBoard, listBoards } from '../api/boardsApi.ts';
import { ApiRequestError } from '../api/http.ts';

type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type BoardsLoadState = 'loading' | 'ready' | 'error';

function byCreation(a: BoardSummary, b: BoardSummary): number {
  return a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name);
}

/**
 * The list of boards, kept live: loaded over REST, extended by `board:created` events, and
 * loaded again on every socket.io (re)connect so a board announced while offline is not missed.
 */
export const useBoardsStore = defineStore('boards', () => {
  const boards = ref<BoardSummary[]>([]);
  const loadState = ref<BoardsLoadState>('loading');
  const loadError = ref('');
  let socket: AppSocket | null = null;
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
   * Starts listening for new boards. The list is loaded on every connect; if the socket cannot
   * connect at first, it is loaded once over REST anyway, so the page is never left empty.
   */
  function start(): void {
    if (socket) return;
    const current: AppSocket = io({ path: SOCKET_IO_PATH });
    socket = current;
    current.on('connect', () => void refresh());
    current.on('connect_error', () => {
      if (loadState.value === 'loading' && !announcedDuringFetch) void refresh();
    });
    current.on('board:created', upsert);
  }

  function stop(): void {
    socket?.disconnect();
    socket = null;
  }

  async function create(name: string): Promise<BoardSummary> {
    const board = await createBoard({ name });
    upsert(board);
    return board;
  }

  return { boards, loadState, loadError, start, stop, refresh, create };
});
