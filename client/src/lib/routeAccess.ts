import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router';
import type { CurrentUser } from '#shared/auth';
import { RETURN_TO_PARAM } from '#shared/auth';
import { queryValue, safeReturnTo } from './returnTo.ts';

export const SIGN_IN_ROUTE = 'sign-in';
export const CHANGE_PASSWORD_ROUTE = 'change-password';
export const NO_ACCESS_ROUTE = 'no-access';

/** The sign-in page, remembering where to come back to (the home page needs no reminder). */
export function signInLocation(returnTo?: string): RouteLocationRaw {
  const path = safeReturnTo(returnTo);
  return { name: SIGN_IN_ROUTE, query: path && path !== '/' ? { [RETURN_TO_PARAM]: path } : {} };
}

/** Where to go once signed in: the `returnTo` the page was given, or the boards. */
export function returnToOf(route: Pick<RouteLocationNormalized, 'query'>): string {
  return safeReturnTo(queryValue(route.query[RETURN_TO_PARAM])) ?? '/';
}

function canSee(to: RouteLocationNormalized, user: CurrentUser): boolean {
  const admin = user.role === 'admin';
  if (to.meta.admin) return admin;
  const facilitator = user.teams.some((t) => t.role === 'facilitator');
  if (to.meta.facilitator) return admin || facilitator;
  if (to.meta.progress) return admin || user.role === 'manager' || facilitator;
  return true;
}

/**
 * Whether `to` may be shown to `user`: `true`, or where to go instead. Signed-out people go to the
 * sign-in page (and come back after); a temporary password is changed before anything else.
 */
export function routeDecision(
  to: RouteLocationNormalized,
  user: CurrentUser | null,
): true | RouteLocationRaw {
  if (to.meta.public) {
    return user && to.name === SIGN_IN_ROUTE ? returnToOf(to) : true;
  }
  if (!user) return signInLocation(to.fullPath);
  if (user.mustChangePassword && to.name !== CHANGE_PASSWORD_ROUTE) {
    return { name: CHANGE_PASSWORD_ROUTE, query: { [RETURN_TO_PARAM]: to.fullPath } };
  }
  if (!canSee(to, user)) return { name: NO_ACCESS_ROUTE };
  return true;
}
