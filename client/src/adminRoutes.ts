import type { RouteRecordRaw } from 'vue-router';

/**
 * The admin pages (organisations, users, teams, boards, audit export), mounted under /admin and
 * loaded only when someone opens one. `admin: true`: admins only; `facilitator: true`: admins and
 * facilitators of some team (the team pages, where facilitators manage their own members).
 */
const admin = { admin: true } as const;
const facilitator = { facilitator: true } as const;

export const adminRoutes: RouteRecordRaw[] = [
  {
    path: '/admin',
    name: 'admin',
    component: () => import('./views/admin/AdminHomeView.vue'),
    meta: { ...admin, title: 'Admin' },
  },
  {
    path: '/admin/organisations',
    name: 'admin-organisations',
    component: () => import('./views/admin/AdminOrganisationsView.vue'),
    meta: { ...admin, title: 'Organisations' },
  },
  {
    path: '/admin/organisations/new',
    name: 'admin-organisation-new',
    component: () => import('./views/admin/AdminOrganisationNewView.vue'),
    meta: { ...admin, title: 'Add an organisation' },
  },
  {
    path: '/admin/organisations/:id',
    name: 'admin-organisation',
    component: () => import('./views/admin/AdminOrganisationEditView.vue'),
    props: true,
    meta: { ...admin, title: 'Change an organisation' },
  },
  {
    path: '/admin/users',
    name: 'admin-users',
    component: () => import('./views/admin/AdminUsersView.vue'),
    meta: { ...admin, title: 'Users' },
  },
  {
    path: '/admin/users/new',
    name: 'admin-user-new',
    component: () => import('./views/admin/AdminUserNewView.vue'),
    meta: { ...admin, title: 'Add a user' },
  },
  {
    path: '/admin/users/:id',
    name: 'admin-user',
    component: () => import('./views/admin/AdminUserView.vue'),
    props: true,
    meta: { ...admin, title: 'User' },
  },
  {
    path: '/admin/users/:id/edit',
    name: 'admin-user-edit',
    component: () => import('./views/admin/AdminUserEditView.vue'),
    props: true,
    meta: { ...admin, title: 'Change user details' },
  },
  {
    path: '/admin/teams',
    name: 'admin-teams',
    component: () => import('./views/admin/AdminTeamsView.vue'),
    meta: { ...facilitator, title: 'Teams' },
  },
  {
    path: '/admin/teams/new',
    name: 'admin-team-new',
    component: () => import('./views/admin/AdminTeamNewView.vue'),
    meta: { ...admin, title: 'Add a team' },
  },
  {
    path: '/admin/teams/:id',
    name: 'admin-team',
    component: () => import('./views/admin/AdminTeamView.vue'),
    props: true,
    meta: { ...facilitator, title: 'Team' },
  },
  {
    path: '/admin/boards',
    name: 'admin-boards',
    component: () => import('./views/admin/AdminBoardsView.vue'),
    meta: { ...admin, title: 'All boards' },
  },
  {
    path: '/admin/boards/new',
    name: 'admin-board-new',
    component: () => import('./views/admin/AdminBoardNewView.vue'),
    meta: { ...admin, title: 'Create a board' },
  },
  {
    path: '/admin/boards/:id',
    name: 'admin-board',
    component: () => import('./views/admin/AdminBoardEditView.vue'),
    props: true,
    meta: { ...admin, title: 'Change a board' },
  },
  {
    path: '/admin/audit',
    name: 'admin-audit',
    component: () => import('./views/admin/AdminAuditView.vue'),
    meta: { ...admin, title: 'Audit trail export' },
  },
];
