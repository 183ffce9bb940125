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

/**
 * The order of one kind of ask: an answer is shown if it is to an ask of the query shown now and
 * newer than the answer shown, so a count asked again while the first is on its way does not hide
 * the first when it comes.
 */
function askOrder() {
  let latest = 0;
  let since = 1;
  let shown = 0;
  return {
    ask: (): number => ++latest,
    /** A new query: answers to asks before now are not for it. */
    restart(): void {
      since = latest + 1;
    },
    /** Whether to show the answer to ask `asked` (and, if so, that it is shown). */
    answered(asked: number): boolean {
      if (asked < since || asked < shown) return false;
      shown = asked;
      return true;
    },
  };
}

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
  /** Whether changes on the boards reach the page as they are stored. */
  const live = ref(false);
  /** When the figures shown were counted, for "Counted at". */
  const countedAt = ref<Date | null>(null);
  let query: ProgressQuery | null = null;
  let itemsQuery: ProgressItemsQuery | null = null;
  const figuresAsks = askOrder();
  const itemsAsks = askOrder();
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function refreshFigures(): Promise<void> {
    if (!query) return;
    const asked = figuresAsks.ask();
    if (!figures.value) loadState.value = 'loading';
    try {
      const answer = await getProgress(query);
      if (!figuresAsks.answered(asked)) return;
      figures.value = answer;
      countedAt.value = new Date();
      loadState.value = 'ready';
      loadError.value = '';
    } catch (error) {
      if (!figuresAsks.answered(asked)) return;
      loadError.value = error instanceof ApiRequestError ? error.message : 'The figures could not be loaded';
      loadState.value = 'error';
    }
  }

  async function refreshItems(): Promise<void> {
    if (!itemsQuery) return;
    const asked = itemsAsks.ask();
    if (!items.value) itemsState.value = 'loading';
    try {
      const answer = await getProgressItems(itemsQuery);
      if (!itemsAsks.answered(asked)) return;
      items.value = answer;
      itemsState.value = 'ready';
      itemsError.value = '';
    } catch (error) {
      if (!itemsAsks.answered(asked)) return;
      itemsError.value = error instanceof ApiRequestError ? error.message : 'The list could not be loaded';
      itemsState.value = 'error';
    }
  }

  /** The counts asked for and not yet answered, so counting again can wait for them. */
  let asking: Promise<void> = Promise.resolve();

  function refresh(): Promise<void> {
    const done = Promise.all([refreshFigures(), refreshItems()]).then(() => undefined);
    asking = done;
    return done;
  }

  /** Counts again in a moment (once, however many ask meanwhile); stopped when the page closes. */
  function refreshSoon(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), REFRESH_AFTER_MS);
  }

  /**
   * Counts again a moment after what is being counted now has come: not beside it, nor while the
   * page draws it.
   */
  function refreshAfterAsking(): void {
    void asking.then(() => {
      // Not for a page closed meanwhile.
      if (live.value) refreshSoon();
    });
  }

  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  /**
   * Shows the figures for `next` and the list `nextItems` asks for (none when null), asking at once:
   * a page still waiting for the server to start telling it of changes shows these meanwhile, and
   * counts again when it starts (follow).
   */
  function show(next: ProgressQuery, nextItems: ProgressItemsQuery | null): Promise<void> {
    const asks: (() => Promise<void>)[] = [];
    if (!same(next, query)) {
      query = next;
      figuresAsks.restart();
      figures.value = null;
      loadState.value = 'loading';
      asks.push(refreshFigures);
    }
    if (!same(nextItems, itemsQuery)) {
      itemsQuery = nextItems;
      itemsAsks.restart();
      items.value = null;
      itemsState.value = 'loading';
      asks.push(refreshItems);
    }
    const done = Promise.all(asks.map((ask) => ask())).then(() => undefined);
    asking = done;
    return done;
  }

  /**
   * Follows changes while a progress page is open; returns a function to stop. Each time the server
   * starts sending changes (and again after every reconnect) the page says it follows changes, and
   * counts once more a moment later, so nothing stored between its last count and then is missed.
   */
  function follow(): () => void {
    const off = realtime.onProgressChanged(refreshSoon);
    const stopWatching = watch(
      () => realtime.followingProgress,
      (following) => {
        live.value = following;
        // Counted before following began (nothing asked yet: the first count comes after, and
        // misses nothing): counted again, so a change stored in between shows within seconds too.
        if (following && query) refreshAfterAsking();
      },
      { immediate: true },
    );
    return () => {
      off();
      stopWatching();
      live.value = false;
      clearTimeout(timer);
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
      figuresAsks.restart();
      itemsAsks.restart();
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
