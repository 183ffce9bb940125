import { z } from 'zod';
import type { Organisation } from './api.ts';

/** A user's role across the whole installation. `null`: an ordinary clinician or care worker. */
export const GLOBAL_ROLES = ['admin', 'manager'] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number];

export const GLOBAL_ROLE_LABELS: Record<GlobalRole, string> = {
  admin: 'Admin',
  manager: 'Manager',
};

/** A member's role in one team. */
export const TEAM_ROLES = ['facilitator', 'member', 'viewer'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const TEAM_ROLE_LABELS: Record<TeamRole, string> = {
  facilitator: 'Facilitator',
  member: 'Member',
  viewer: 'Viewer',
};

/**
 * What a user may do on one board. `edit`: facilitators and members of an owning team.
 * `view`: viewers of an owning team, managers with an owning team in their scope, and admins.
 */
export type BoardAccess = 'edit' | 'view';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;
export const EMAIL_MAX = 254;

export const email = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address')
  .max(EMAIL_MAX, `Keep the email address to ${EMAIL_MAX} characters or fewer`)
  .pipe(z.email({ error: 'Enter an email address in the right format, like name@example.nhs.uk' }));

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
