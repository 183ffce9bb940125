import type { ApiError } from '../../../shared/api.ts';

/** A failed request: the server's message (or a network problem) and the HTTP status, 0 when none. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: NonNullable<ApiError['issues']> = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'string';
}

export async function requestJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    });
  } catch {
    throw new ApiRequestError('Huddle could not reach the server. Check your connection and try again.', 0);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = isApiError(body) ? body.error : `The server answered ${response.status}`;
    throw new ApiRequestError(message, response.status, isApiError(body) ? (body.issues ?? []) : []);
  }
  return body as T;
}
