import { ref, shallowRef, watch } from 'vue';
import { defineStore } from 'pinia';
import type { ProgressFigures, ProgressItems, ProgressItemsQuery, ProgressQuery } from '#shared/progress';
import { getProgress, getProgressItems } from '../api/progressApi.ts';
import { ApiRequestError } from '../api/http.ts';
import { useRealtimeStore } from './realtime.ts';
import { useSessionStore } from './session.ts';

export type ProgressLoadState = 'loading' | 'ready' | 'error';

/** A busy afternoon's changes on many boards are fetched once a second at most. */
const REFRESH_AFTER_MS = 1000;
/** How long a page that follows changes waits for the server to start telling before it asks anyway. */
const FOLLOW_WAIT_MS = 1500;

/**
 * The progress page's figures (and the list open behind one of them) as the server counts them:
 * loaded for one query at a time, and again when the server says a board's figures changed
 * (`progress:changed`) and each time it starts telling (after every reconnect).
 */
export const useProgressStore = defineStore('progress', () => {
  const realtime = useRealtimeStore();
  const session = useSessionStore();
  const figures = shallowRef<ProgressFigures | null>(null);
  const items = shallowRef<ProgressItems | null>(null);
  const loadState = ref<ProgressLoadState>('loading');
  const loadError = ref('');
  const itemsState = ref<ProgressLoadState>('loading');
  const itemsError = ref('');
  /** Whether changes on the boards reach the page as they are stored (and it has caught up since). */
  const live = ref(false);
  /** When the figures shown were counted, for "Counted at". */
  const countedAt = ref<Date | null>(null);
  let query: ProgressQuery | null = null;
  let itemsQuery: ProgressItemsQuery | null = null;
  let latest = 0;
  let latestItems = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitTimer: ReturnType<typeof setTimeout> | undefined;
  let followers = 0;

  async function refreshFigures(): Promise<void> {
    if (!query) return;
    const asked = ++latest;
    if (!figures.value) loadState.value = 'loading';
    try {
      const answer = await getProgress(query);
      if (asked !== latest) return;
      figures.value = answer;
      countedAt.value = new Date();
      loadState.value = 'ready';
      loadError.value = '';
    } catch (error) {
      if (asked !== latest) return;
      loadError.value = error instanceof ApiRequestError ? error.message : 'The figures could not be loaded';
      loadState.value = 'error';
    }
  }

  async function refreshItems(): Promise<void> {
    if (!itemsQuery) return;
    const asked = ++latestItems;
    if (!items.value) itemsState.value = 'loading';
    try {
      const answer = await getProgressItems(itemsQuery);
      if (asked !== latestItems) return;
      items.value = answer;
      itemsState.value = 'ready';
      itemsError.value = '';
    } catch (error) {
      if (asked !== latestItems) return;
      itemsError.value = error instanceof ApiRequestError ? error.message : 'The list could not be loaded';
      itemsState.value = 'error';
    }
  }

  function refresh(): Promise<void> {
    return Promise.all([refreshFigures(), refreshItems()]).then(() => undefined);
  }

  function refreshSoon(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), REFRESH_AFTER_MS);
  }

  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  /**
   * Shows the figures for `next` and the list `nextItems` asks for (none when null). A page that
   * follows changes but does not yet (the socket is still connecting) asks once it does, since it
   * counts again then anyway, or after FOLLOW_WAIT_MS if that takes longer.
   */
  function show(next: ProgressQuery, nextItems: ProgressItemsQuery | null): Promise<void> {
    const asks: (() => Promise<void>)[] = [];
    if (!same(next, query)) {
      query = next;
      figures.value = null;
      loadState.value = 'loading';
      asks.push(refreshFigures);
    }
    if (!same(nextItems, itemsQuery)) {
      itemsQuery = nextItems;
      items.value = null;
      itemsState.value = 'loading';
      latestItems += 1;
      asks.push(refreshItems);
    }
    if (asks.length === 0) return Promise.resolve();
    if (followers > 0 && !realtime.followingProgress) {
      clearTimeout(waitTimer);
      waitTimer = setTimeout(() => void refresh(), FOLLOW_WAIT_MS);
      return Promise.resolve();
    }
    return Promise.all(asks.map((ask) => ask())).then(() => undefined);
  }

  /**
   * Follows changes while a progress page is open; returns a function to stop. Each time the server
   * starts sending changes (and again after every reconnect) the figures are counted once more, so
   * nothing stored before then is missed; only then does the page say it follows changes.
   */
  function follow(): () => void {
    followers += 1;
    const off = realtime.onProgressChanged(refreshSoon);
    const stopWatching = watch(
      () => realtime.followingProgress,
      (following) => {
        live.value = false;
        if (!following) return;
        clearTimeout(waitTimer);
        void refresh().then(() => (live.value = realtime.followingProgress));
      },
      { immediate: true },
    );
    return () => {
      followers -= 1;
      off();
      stopWatching();
      live.value = false;
      clearTimeout(timer);
      clearTimeout(waitTimer);
    };
  }

  // Someone else signing in on this browser must never see the last person's figures.
  watch(
    () => session.user?.id,
    () => {
      figures.value = null;
      items.value = null;
      query = null;
      itemsQuery = null;
      loadState.value = 'loading';
    },
  );

  return {
    figures,
    items,
    loadState,
    loadError,
    itemsState,
    itemsError,
    countedAt,
    live,
    show,
    follow,
    refresh,
  };
});
