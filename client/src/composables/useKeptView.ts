import { nextTick, onBeforeUnmount, watch } from 'vue';
import { useRoute } from 'vue-router';
import type { SessionAnswer } from '#shared/auth';
import { keepView, revealApp, showingKeptView } from '../lib/board/keptViews.ts';
import { useBoardStore } from '../stores/board.ts';
import { useBoardAccessStore } from '../stores/boardAccess.ts';
import { useSessionStore } from '../stores/session.ts';
import { useVersionsStore } from '../stores/versions.ts';
import { usePrivacyScreen } from './usePrivacyScreen.ts';

/** Until the session could have ended: unused from now, or at its end however active. */
const keptUntil = (user: SessionAnswer): number =>
  Math.min(Date.now() + user.idleMinutes * 60_000, Date.parse(user.endsAt));

/** A change is kept once the board has been quiet this long (keeping a view reads the whole page). */
const KEEP_AFTER_MS = 2_000;

/**
 * The board page's part in lib/board/keptViews.ts: the app takes the place of the view kept from last
 * time once it has drawn the board itself (or found it cannot), and what it shows is kept for next
 * time, once the board has loaded, a moment after each change, and as the page is left.
 */
export function useKeptView(): void {
  // The server's drawing of a first view (firstView.ts) is itself shown as a kept view.
  if (import.meta.env.SSR) return;
  const board = useBoardStore();
  const opening = useBoardAccessStore();
  const session = useSessionStore();
  const versions = useVersionsStore();
  const privacy = usePrivacyScreen();
  const route = useRoute();

  if (showingKeptView()) {
    const stop = watch(
      () =>
        opening.loadState !== 'loading' &&
        (opening.loadState !== 'ready' ||
          board.hasLoaded ||
          board.hasSnapshot ||
          route.meta.beforeDocument === true),
      (drawn) => {
        if (!drawn) return;
        // Once the app's view is in the page and laid out: the swap is one frame.
        void nextTick(() => requestAnimationFrame(revealApp));
        queueMicrotask(() => stop());
      },
      { immediate: true },
    );
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  /** False once the board page has gone: an idle callback asked for before then keeps nothing. */
  let mounted = true;
  const keepNow = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const app = document.getElementById('app');
    const user = session.user;
    // Only the board as it is (not a past version, not the server's snapshot while it loads), under
    // the address it is shown at.
    if (!mounted || !app || !user || !board.hasLoaded || versions.viewing || showingKeptView()) return;
    if (location.pathname !== route.path) return;
    keepView(location.pathname, user.id, keptUntil(user), app);
  };
  const keepSoon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const whenIdle = window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 0));
      whenIdle(keepNow, { timeout: 1_000 });
    }, KEEP_AFTER_MS);
  };
  watch(() => [board.live, board.hasLoaded, route.fullPath, privacy.on.value, opening.summary], keepSoon, {
    immediate: true,
  });
  window.addEventListener('pagehide', keepNow);
  onBeforeUnmount(() => {
    mounted = false;
    window.removeEventListener('pagehide', keepNow);
    clearTimeout(timer);
  });
}
