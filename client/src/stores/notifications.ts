import { ref, shallowRef, watch } from 'vue';
import { defineStore } from 'pinia';
import type { NotificationList } from '#shared/notifications';
import { listNotifications, markNotifications, unreadNotifications } from '../api/notificationsApi.ts';
import { ApiRequestError } from '../api/http.ts';
import { useRealtimeStore } from './realtime.ts';
import { useSessionStore } from './session.ts';

export type NotificationsLoadState = 'loading' | 'ready' | 'error';

/**
 * The bell's unread count, kept while someone is signed in (asked again whenever the server says
 * it changed, on every reconnect and when access changes), and the notification centre's list while
 * it is open.
 */
export const useNotificationsStore = defineStore('notifications', () => {
  const realtime = useRealtimeStore();
  const session = useSessionStore();
  const unread = ref<number | null>(null);
  const list = shallowRef<NotificationList | null>(null);
  const loadState = ref<NotificationsLoadState>('loading');
  const loadError = ref('');
  let listing = 0;
  let unsubscribe: (() => void)[] = [];

  async function countAgain(): Promise<void> {
    try {
      unread.value = (await unreadNotifications()).unread;
    } catch {
      // The bell keeps its last count; the next change or reconnect asks again.
    }
  }

  async function refresh(): Promise<void> {
    if (listing === 0) return countAgain();
    if (!list.value) loadState.value = 'loading';
    try {
      list.value = await listNotifications();
      unread.value = list.value.unread;
      loadState.value = 'ready';
      loadError.value = '';
    } catch (error) {
      loadError.value =
        error instanceof ApiRequestError ? error.message : 'Your notifications could not be loaded';
      loadState.value = 'error';
    }
  }

  /** Starts keeping the count (the header, while someone is signed in). */
  function start(): void {
    if (unsubscribe.length) return;
    unsubscribe = [
      realtime.onNotificationsChanged(() => void refresh()),
      realtime.onConnect(() => void refresh()),
      realtime.onAccessChanged(() => void refresh()),
    ];
    void refresh();
  }

  function stop(): void {
    unsubscribe.forEach((off) => off());
    unsubscribe = [];
  }

  /** Keeps the whole list too while the notification centre is open; returns a function to stop. */
  function follow(): () => void {
    listing += 1;
    void refresh();
    return () => {
      listing -= 1;
    };
  }

  /** Marks notifications read or unread; the list and the count follow at once. */
  async function mark(ids: string[], read: boolean): Promise<void> {
    await markNotifications({ ids, read });
    if (list.value) {
      const items = list.value.items.map((item) => (ids.includes(item.id) ? { ...item, read } : item));
      list.value = { items, unread: items.filter((item) => !item.read).length };
    }
    await refresh();
  }

  async function markAll(): Promise<void> {
    await markNotifications({ all: true });
    if (list.value)
      list.value = { items: list.value.items.map((item) => ({ ...item, read: true })), unread: 0 };
    unread.value = 0;
    await refresh();
  }

  // Someone else signing in on this browser must never see the last person's notifications.
  watch(
    () => session.user?.id,
    () => {
      unread.value = null;
      list.value = null;
      loadState.value = 'loading';
    },
  );

  return { unread, list, loadState, loadError, start, stop, follow, refresh, mark, markAll };
});
