import './routeMeta.ts';
import { nextTick, watch } from 'vue';
import { START_LOCATION, createRouter, createWebHistory, type Router } from 'vue-router';
import BoardView from './views/BoardView.vue';
import BoardActionsView from './views/board/BoardActionsView.vue';
import BoardGoalsView from './views/board/BoardGoalsView.vue';
import BoardHandoverView from './views/board/BoardHandoverView.vue';
import BoardPathwayView from './views/board/BoardPathwayView.vue';
import BoardPersonView from './views/board/BoardPersonView.vue';
import NoAccessView from './views/NoAccessView.vue';
import NotFoundView from './views/NotFoundView.vue';
import { adminRoutes } from './adminRoutes.ts';
import {
  CHANGE_PASSWORD_ROUTE,
  NO_ACCESS_ROUTE,
  SIGN_IN_ROUTE,
  routeDecision,
  signInLocation,
} from './lib/routeAccess.ts';
import { forgetEarlyAnswers } from './api/earlyAnswers.ts';
import { useSessionStore } from './stores/session.ts';
import { useVersionsStore } from './stores/versions.ts';

/**
 * A board's handover, actions, goals, pathway and person pages come with the app, so a board opens
 * without waiting for another file; every other page is loaded when it is first opened (the service
 * worker keeps them all for opening offline).
 */
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    {
      path: '/',
      name: 'boards',
      component: () => import('./views/BoardsView.vue'),
      meta: { title: 'Boards' },
    },
    {
      path: '/my-work',
      name: 'my-work',
      component: () => import('./views/WorkView.vue'),
      meta: { title: 'My work' },
    },
    {
      path: '/progress',
      name: 'progress',
      // Its chart library is loaded with the page, not with every board.
      component: () => import('./views/ProgressView.vue'),
      meta: { title: 'Progress', progress: true },
    },
    {
      path: '/notifications',
      name: 'notifications',
      component: () => import('./views/NotificationsView.vue'),
      meta: { title: 'Notifications' },
    },
    {
      path: '/boards/:id',
      component: BoardView,
      props: true,
      meta: { title: 'Board', wide: true },
      children: [
        { path: '', name: 'board', component: BoardHandoverView, meta: { title: 'Handover' } },
        { path: 'actions', name: 'board-actions', component: BoardActionsView, meta: { title: 'Actions' } },
        { path: 'goals', name: 'board-goals', component: BoardGoalsView, meta: { title: 'Goals' } },
        { path: 'pathway', name: 'board-pathway', component: BoardPathwayView, meta: { title: 'Pathway' } },
        {
          path: 'meeting',
          name: 'board-meeting',
          component: () => import('./views/board/BoardMeetingView.vue'),
          meta: { title: 'Meeting' },
        },
        {
          path: 'meetings/:meetingId',
          name: 'board-meeting-summary',
          component: () => import('./views/board/BoardMeetingSummaryView.vue'),
          props: true,
          meta: { title: 'Meeting summary', beforeDocument: true },
        },
        {
          path: 'history',
          name: 'board-history',
          component: () => import('./views/board/BoardHistoryView.vue'),
          meta: { title: 'History' },
        },
        {
          path: 'changes',
          name: 'board-changes',
          component: () => import('./views/board/BoardChangesView.vue'),
          meta: { title: 'What changed' },
        },
        {
          path: 'people/:personId',
          name: 'board-person',
          component: BoardPersonView,
          props: true,
          meta: { title: 'Person' },
        },
      ],
    },
    {
      path: '/sign-in',
      name: SIGN_IN_ROUTE,
      component: () => import('./views/SignInView.vue'),
      meta: { title: 'Sign in', public: true },
    },
    {
      path: '/change-password',
      name: CHANGE_PASSWORD_ROUTE,
      component: () => import('./views/ChangePasswordView.vue'),
      meta: { title: 'Change your password' },
    },
    {
      path: '/no-access',
      name: NO_ACCESS_ROUTE,
      component: NoAccessView,
      meta: { title: 'You do not have access to this page' },
    },
    ...adminRoutes,
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: NotFoundView,
      meta: { title: 'Page not found' },
    },
  ],
});

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
  const title = typeof to.meta.title === 'string' ? to.meta.title : undefined;
  document.title = title ? `${title} - Huddle` : 'Huddle';
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
