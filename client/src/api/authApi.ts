import type { AuthOptions, ChangePasswordRequest, CurrentUser, SignInRequest } from '#shared/auth';
import { jsonBody, requestJson } from './http.ts';

export function getAuthOptions(): Promise<AuthOptions> {
  return requestJson<AuthOptions>('/api/auth/options');
}

/** The signed-in user; rejects with status 401 when nobody is signed in. */
export function getSession(): Promise<CurrentUser> {
  return requestJson<CurrentUser>('/api/auth/session', { unauthorisedIsAnswer: true });
}

export function signIn(request: SignInRequest): Promise<CurrentUser> {
  return requestJson<CurrentUser>('/api/auth/sign-in', {
    method: 'POST',
    unauthorisedIsAnswer: true,
    ...jsonBody(request),
  });
}

export async function signOut(): Promise<void> {
  await requestJson<undefined>('/api/auth/sign-out', {
    method: 'POST',
    unauthorisedIsAnswer: true,
    ...jsonBody({}),
  });
}

export function changePassword(request: ChangePasswordRequest): Promise<CurrentUser> {
  return requestJson<CurrentUser>('/api/auth/password', { method: 'POST', ...jsonBody(request) });
}
