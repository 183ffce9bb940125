import type { SessionEndReason } from '#shared/events';

/** What the sign-in page says when the server ended the session. */
export const SESSION_END_MESSAGES: Record<SessionEndReason, string> = {
  'signed-out': 'You have been signed out',
  expired: 'Your session expired, sign in again',
  deactivated: 'Your account has been switched off. Ask an admin if you still need to use Huddle.',
  'password-changed':
    'Your password was changed, so you were signed out here. Sign in with your new password.',
};
