import type { RouteRecordRaw } from 'vue-router';

/** The admin pages (organisations, users, teams, boards, audit export), mounted under /admin. */
export const adminRoutes: RouteRecordRaw[] = [];
