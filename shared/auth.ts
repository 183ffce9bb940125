import { z } from 'zod';
import type { GlobalRole, TeamRole } from './access.ts';
import { email } from './fields.ts';
import type { Organisation } from './organisations.ts';

/*
 * Signing in: the requests, the passwords people choose, and the signed-in user.
 */

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;
/** A password someone chooses. Length is what makes a password strong; nothing else is demanded. */
export const newPassword = z
  .string({ error: 'Enter a new password' })
  .min(PASSWORD_MIN, `Your new password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Keep your new password to ${PASSWORD_MAX} characters or fewer`);

/** `POST /api/auth/sign-in` body. */
export const signInRequest = z.object({
  email,
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(PASSWORD_MAX),
});
export type SignInRequest = z.infer<typeof signInRequest>;

/** `POST /api/auth/password` body. */
export const changePasswordRequest = z
  .object({
    currentPassword: z
      .string({ error: 'Enter your current password' })
      .min(1, 'Enter your current password')
      // No password is longer, so one that is cannot be right (and is not worth hashing).
      .max(PASSWORD_MAX, 'Your current password is not right'),
    newPassword,
  })
  .refine((body) => body.currentPassword !== body.newPassword, {
    path: ['newPassword'],
    message: 'Your new password must be different from your current one',
  });
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

/** One of the signed-in user's team memberships. */
export interface UserTeam {
  id: string;
  name: string;
  role: TeamRole;
}

/**
 * The signed-in user: `GET /api/auth/session`, and the answer to a successful sign-in or password change.
 * While `mustChangePassword` is true every other API call answers 403 until the password is changed.
 */
export interface CurrentUser {
  id: string;
  name: string;
  email: string;
  profession: string;
  organisation: Organisation | null;
  role: GlobalRole | null;
  mustChangePassword: boolean;
  teams: UserTeam[];
}

/**
 * `GET /api/auth/session`, a sign-in's and a password change's answer: the user, and how long the
 * session lasts unused (the browser keeps what it shows of a board no longer than the session could
 * last: lib/board/keptViews.ts).
 */
export interface SessionAnswer extends CurrentUser {
  idleMinutes: number;
  /** When the session ends however active (ISO 8601). */
  endsAt: string;
}

/** `GET /api/auth/options`: how people can sign in here. Public. */
export interface AuthOptions {
  password: true;
  /** Present when single sign-on is configured; the button reads `Sign in with <label>`. */
  oidc: { label: string; startUrl: string } | null;
}

/** Query parameter the OIDC start URL takes: where to go after signing in (a path on this site). */
export const RETURN_TO_PARAM = 'returnTo';

/** Query parameter the sign-in page receives after a failed single sign-on, with the reason. */
export const SIGN_IN_ERROR_PARAM = 'error';
