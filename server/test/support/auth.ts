import { expect } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/cookies.ts';

/** The password of every demo user the seed creates. */
export const DEMO_PASSWORD = 'riverside-demo-2026';

/** Demo sign-ins, by what they can do on the demo frailty board. */
export const DEMO = {
  admin: 'admin@riverside.example',
  facilitator: 'tom.reid@elmtree.example',
  member: 'grace.okafor@riverside-community.example',
  otherMember: 'priya.shah@riverside-community.example',
  viewer: 'helen.ward@agewell.example',
  manager: 'mark.ellison@riverside-community.example',
  /** Facilitator of the discharge team: no access to the frailty board. */
  otherTeam: 'nina.brooks@riverside-hospital.example',
} as const;

/** Signs in over REST and returns the `Cookie` header value that carries the session. */
export async function signIn(url: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status, `signing in as ${email}`).toBe(200);
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!setCookie) throw new Error('sign-in set no session cookie');
  return setCookie.split(';')[0]!;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * Calls the REST API as a browser on this site would: JSON in and out, the session cookie (if any),
 * and the site's own Origin on state-changing requests.
 */
export async function api<T = unknown>(
  url: string,
  method: string,
  path: string,
  options: { cookie?: string | undefined; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers.origin ??= url;
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a CSV export): the text as it is.
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/** A signed-in API caller. */
export async function signedIn(url: string, email: string, password = DEMO_PASSWORD) {
  const cookie = await signIn(url, email, password);
  return {
    cookie,
    get: <T = unknown>(path: string) => api<T>(url, 'GET', path, { cookie }),
    post: <T = unknown>(path: string, body?: unknown) => api<T>(url, 'POST', path, { cookie, body }),
    put: <T = unknown>(path: string, body?: unknown) => api<T>(url, 'PUT', path, { cookie, body }),
    patch: <T = unknown>(path: string, body?: unknown) => api<T>(url, 'PATCH', path, { cookie, body }),
    delete: <T = unknown>(path: string) => api<T>(url, 'DELETE', path, { cookie }),
  };
}
