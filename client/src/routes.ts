import './routeMeta.ts';
import type { RouteRecordRaw } from 'vue-router';
import BoardView from './views/BoardView.vue';
import BoardActionsView from './views/board/BoardActionsView.vue';
import BoardGoalsView from './views/board/BoardGoalsView.vue';
import BoardHandoverView from './views/board/BoardHandoverView.vue';
import BoardPathwayView from './views/board/BoardPathwayView.vue';
import BoardPersonView from './views/board/BoardPersonView.vue';
import NoAccessView from './views/NoAccessView.vue';
import NotFoundView from './views/NotFoundView.vue';
import { adminRoutes } from './adminRoutes.ts';
import { CHANGE_PASSWORD_ROUTE, NO_ACCESS_ROUTE, SIGN_IN_ROUTE } from './lib/routeAccess.ts';

/**
 * A board's handover, actions, goals, pathway and person pages come with the app, so a board opens
 * without waiting for another file; every other page is loaded when it is first opened (the service
 * worker keeps them all for opening offline).
 */
export const routes: RouteRecordRaw[] = [
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
];
