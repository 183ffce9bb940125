import './routeMeta.ts';
import { nextTick, watch } from 'vue';
import { START_LOCATION, createRouter, createWebHistory, type Router } from 'vue-router';
import { routeDecision, signInLocation } from './lib/routeAccess.ts';
import { routes } from './routes.ts';
import { pageTitle } from './lib/pageTitle.ts';
import { forgetEarlyAnswers } from './api/earlyAnswers.ts';
import { useSessionStore } from './stores/session.ts';
import { useVersionsStore } from './stores/versions.ts';

/** The app's pages (routes.ts), at the browser's address. */
export const router = createRouter({ history: createWebHistory(), routes });

/**
 * While a past version of a board is open (`?version=` on the board's address), going from one of
 * the board's views to another keeps it open; "Back to the board now" closes it first. The history
 * page lists the versions and is always the board's own.
 */
router.beforeEach((to, from) => {
  const version = from.query.version;
  if (typeof version !== 'string' || 'version' in to.query) return true;
  if (to.name === 'board-history' || to.name === 'board-changes') return true;
  if (to.params.id !== from.params.id || !to.path.startsWith('/boards/')) return true;
  if (!useVersionsStore().viewing) return true;
  return { path: to.path, query: { ...to.query, version }, hash: to.hash };
});

// What the page asked for before the app started was for its first view only (api/earlyAnswers.ts).
router.beforeEach((_to, from) => {
  if (from !== START_LOCATION) forgetEarlyAnswers();
});

router.afterEach((to, from) => {
  document.title = pageTitle(to.meta.title);
  // A new page moves focus to the main content, as a full page load would, unless the page
  // itself moved it there (an error summary, a form field).
  if (from.matched.length && to.path !== from.path) {
    void nextTick(() => {
      const main = document.getElementById('maincontent');
      const active = document.activeElement;
      if (main && (!active || active === document.body || !main.contains(active))) main.focus();
    });
  }
});

/**
 * Checks every navigation against the session (loaded once, before the first page), and leaves a
 * page that needs a session as soon as the session ends.
 */
export function installSessionGuard(target: Router): void {
  const session = useSessionStore();
  target.beforeEach(async (to) => {
    await session.load();
    return routeDecision(to, session.user);
  });
  watch(
    () => session.state,
    (state) => {
      const current = target.currentRoute.value;
      if (state !== 'signed-out' || current.meta.public || !current.matched.length) return;
      void target.replace(signInLocation(session.endedByUser ? undefined : current.fullPath));
    },
  );
}
