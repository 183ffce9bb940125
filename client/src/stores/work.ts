import { ref, shallowRef, watch } from 'vue';
import { defineStore } from 'pinia';
import type { MyWork, WorkQuery } from '#shared/work';
import { getMyWork } from '../api/workApi.ts';
import { ApiRequestError } from '../api/http.ts';
import { useRealtimeStore } from './realtime.ts';
import { useSessionStore } from './session.ts';

export type WorkLoadState = 'loading' | 'ready' | 'error';

/** Changes that arrive together (a colleague's burst of edits) are fetched once. */
const REFRESH_AFTER_MS = 300;

/**
 * My work as the server reads it from every board: loaded for one query at a time, and loaded
 * again when the server says the user's actions changed (`work:changed`) and on every reconnect.
 */
export const useWorkStore = defineStore('work', () => {
  const realtime = useRealtimeStore();
  const session = useSessionStore();
  const work = shallowRef<MyWork | null>(null);
  const loadState = ref<WorkLoadState>('loading');
  const loadError = ref('');
  let query: Partial<WorkQuery> = {};
  let latest = 0;
  let followers = 0;
  let unsubscribe: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function refresh(): Promise<void> {
    const asked = ++latest;
    if (!work.value) loadState.value = 'loading';
    try {
      const answer = await getMyWork(query);
      if (asked !== latest) return;
      work.value = answer;
      loadState.value = 'ready';
      loadError.value = '';
    } catch (error) {
      if (asked !== latest) return;
      loadError.value = error instanceof ApiRequestError ? error.message : 'Your actions could not be loaded';
      loadState.value = 'error';
    }
  }

  function refreshSoon(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), REFRESH_AFTER_MS);
  }

  /** Shows `next`: loads it now (what was shown for another query is cleared first). */
  function show(next: Partial<WorkQuery>): Promise<void> {
    if (JSON.stringify(next) !== JSON.stringify(query)) {
      query = next;
      work.value = null;
    }
    return refresh();
  }

  /** Starts following changes (a page showing My work); returns a function to stop. */
  function follow(): () => void {
    followers += 1;
    if (followers === 1)
      unsubscribe = [
        realtime.onWorkChanged(refreshSoon),
        realtime.onConnect(refreshSoon),
        realtime.onAccessChanged(refreshSoon),
      ];
    return () => {
      followers -= 1;
      if (followers > 0) return;
      unsubscribe.forEach((off) => off());
      unsubscribe = [];
      clearTimeout(timer);
    };
  }

  // Someone else signing in on this browser must never see the last person's actions.
  watch(
    () => session.user?.id,
    () => {
      work.value = null;
      loadState.value = 'loading';
    },
  );

  return { work, loadState, loadError, show, follow, refresh };
});
