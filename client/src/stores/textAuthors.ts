import { shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { TextAuthor } from '#shared/audit';
import { getTextAuthors } from '../api/boardsApi.ts';

/** After a change to someone's text, the server is asked again once typing has paused this long. */
const REFRESH_AFTER_MS = 2_000;

const key = (recordType: string, recordId: string, field: string): string =>
  `${recordType}/${recordId}/${field}`;

/**
 * Who last changed each text field of the open board's people and goals (SBAR, what matters, goal
 * notes), and when, so a stale note does not look current. Asked of the server when the board
 * opens and again shortly after its people or goals change.
 */
export const useTextAuthorsStore = defineStore('textAuthors', () => {
  const authors = shallowRef<ReadonlyMap<string, TextAuthor>>(new Map());
  let boardId: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let request = 0;

  async function load(): Promise<void> {
    const id = boardId;
    if (!id) return;
    const mine = ++request;
    try {
      const found = await getTextAuthors(id);
      if (mine !== request) return;
      authors.value = new Map(found.map((a) => [key(a.recordType, a.recordId, a.field), a]));
    } catch {
      // Kept as it was: the next change asks again.
    }
  }

  function forBoard(id: string | null): void {
    clearTimeout(timer);
    request += 1;
    boardId = id;
    authors.value = new Map();
    if (id) void load();
  }

  /** Asks again once changes have paused. */
  function refreshSoon(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), REFRESH_AFTER_MS);
  }

  function of(recordType: string, recordId: string, field: string): TextAuthor | undefined {
    return authors.value.get(key(recordType, recordId, field));
  }

  return { authors, forBoard, refreshSoon, of };
});
