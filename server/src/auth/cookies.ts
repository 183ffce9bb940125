import { parse, serialize } from 'cookie';

export const SESSION_COOKIE = 'huddle_session';
/** Marks a browser that has signed in before (see `TrustedDevices`); sent only to the sign-in routes. */
export const DEVICE_COOKIE = 'huddle_device';
const DEVICE_COOKIE_PATH = '/api/auth';

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

function tokenFrom(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  const token = parse(cookieHeader)[name];
  return token && TOKEN.test(token) ? token : null;
}

/** The session token in a `Cookie` header, if there is one. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | null {
  return tokenFrom(cookieHeader, SESSION_COOKIE);
}

/** The device token in a `Cookie` header, if there is one. */
export function deviceTokenFrom(cookieHeader: string | undefined): string | null {
  return tokenFrom(cookieHeader, DEVICE_COOKIE);
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

export function deviceCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return serialize(DEVICE_COOKIE, token, {
    httpOnly: true,
    // Lax, not Strict: the redirect back from single sign-on must carry it, or it would be replaced.
    sameSite: 'lax',
    secure: options.secure,
    path: DEVICE_COOKIE_PATH,
    maxAge: options.maxAgeSeconds,
  });
}
