import type { ApiError } from '#shared/api';

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

export interface RequestOptions extends RequestInit {
  /**
   * A 401 is an answer here (signing in, asking whether there is a session), not a sign that the
   * session ended. Every other request that answers 401 tells the session listener.
   */
  unauthorisedIsAnswer?: boolean;
}

type UnauthorisedListener = () => void;
let onUnauthorised: UnauthorisedListener | null = null;

/** The session store listens here: any request answering 401 means the session has ended. */
export function setUnauthorisedListener(listener: UnauthorisedListener | null): void {
  onUnauthorised = listener;
}

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'string';
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { unauthorisedIsAnswer = false, ...init } = options;
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    });
  } catch {
    throw new ApiRequestError('Huddle could not reach the server. Check your connection and try again.', 0);
  }
  const body: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = isApiError(body) ? body.error : `The server answered ${response.status}`;
    if (response.status === 401 && !unauthorisedIsAnswer) onUnauthorised?.();
    throw new ApiRequestError(message, response.status, isApiError(body) ? (body.issues ?? []) : []);
  }
  return body as T;
}

/** A JSON body for POST/PUT/PATCH; state-changing requests always send one, even when it is `{}`. */
export function jsonBody(value: unknown): Pick<RequestInit, 'body'> {
  return { body: JSON.stringify(value) };
}
