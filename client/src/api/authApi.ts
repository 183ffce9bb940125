import type { AuthOptions, ChangePasswordRequest, SessionAnswer, SignInRequest } from '#shared/auth';
import { jsonBody, requestJson } from './http.ts';

export function getAuthOptions(): Promise<AuthOptions> {
  return requestJson<AuthOptions>('/api/auth/options');
}

/** The signed-in user; rejects with status 401 when nobody is signed in. */
export function getSession(): Promise<SessionAnswer> {
  return requestJson<SessionAnswer>('/api/auth/session', { unauthorisedIsAnswer: true });
}

export function signIn(request: SignInRequest): Promise<SessionAnswer> {
  return requestJson<SessionAnswer>('/api/auth/sign-in', {
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

export function changePassword(request: ChangePasswordRequest): Promise<SessionAnswer> {
  return requestJson<SessionAnswer>('/api/auth/password', { method: 'POST', ...jsonBody(request) });
}
