import { parse, serialize } from 'cookie';

export const SESSION_COOKIE = 'huddle_session';

/** The session token in a `Cookie` header, if there is one. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  const token = parse(cookieHeader)[SESSION_COOKIE];
  return token && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : null;
}

export function sessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return serialize(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: '/',
    maxAge: options.maxAgeSeconds,
  });
}

export function clearedSessionCookie(options: { secure: boolean }): string {
  return serialize(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: '/',
    maxAge: 0,
  });
}
