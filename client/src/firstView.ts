import { createSSRApp } from 'vue';
import { createPinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { renderToString } from 'vue/server-renderer';
import type { BoardSnapshot } from '#shared/board/snapshot';
import {
  DRAWN_PAGE,
  type DrawFirstView,
  type DrawnFirstView,
  type FirstViewAnswers,
} from '#shared/firstView';
import App from './App.vue';
import { routes } from './routes.ts';
import { askNothing } from './api/http.ts';
import { keptMarkup } from './lib/board/keptViews.ts';
import { pageTitle } from './lib/pageTitle.ts';
import { useBoardAccessStore } from './stores/boardAccess.ts';
import { useBoardStore } from './stores/board.ts';
import { useSessionStore } from './stores/session.ts';

askNothing();

/**
 * A board page's first view, drawn in Node by the server (shared/firstView.ts) as the app draws it
 * once the session, the board's summary and members and its snapshot have come: the app itself,
 * with those answers in its stores, at the page's address. Nothing else is asked for (`askNothing`
 * above), no connection is opened, and long lists hold their first part only
 * (composables/useProgressive.ts). Null for any other page (`DRAWN_PAGE`), or a past version of the
 * board.
 */
export async function renderFirstView(
  url: string,
  answers: FirstViewAnswers,
): Promise<DrawnFirstView | null> {
  if (!DRAWN_PAGE.test(url)) return null;
  const router = createRouter({ history: createMemoryHistory(), routes });
  const pinia = createPinia();
  const app = createSSRApp(App).use(pinia).use(router);
  const session = useSessionStore(pinia);
  session.user = answers.session;
  session.state = 'signed-in';
  await router.push(url);
  await router.isReady();
  const route = router.currentRoute.value;
  if ('version' in route.query || route.params.id !== answers.summary.id) return null;
  useBoardAccessStore(pinia).drawFrom(answers.summary, answers.members);
  useBoardStore(pinia).drawSnapshot(answers.snapshot);
  const html = keptMarkup(await renderToString(app));
  return { html, title: pageTitle(route.meta.title, answers.summary.name) };
}

/** The server's worker thread draws with this (server/src/http/firstView.ts). */
const drawFirstView: DrawFirstView = (task) => {
  const snapshot = JSON.parse(task.snapshotJson) as BoardSnapshot;
  return renderFirstView(task.url, { ...task.answers, snapshot });
};
export default drawFirstView;
