import type { ApiError } from '#shared/api';
import { isKeptApiAnswer } from '../lib/appCacheRules.ts';
import { takeEarlyAnswer } from './earlyAnswers.ts';

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

/** Set where the server draws a board's first view (firstView.ts): nothing is asked there. */
let answersNothing = false;

/**
 * The server draws a board's first view from the answers it already has: anything else the page
 * would ask for is drawn as not answered yet, and never asked.
 */
export function askNothing(): void {
  answersNothing = true;
}

type UnauthorisedListener = () => void;
let onUnauthorised: UnauthorisedListener | null = null;

/** The session store listens here: any request answering 401 means the session has ended. */
export function setUnauthorisedListener(listener: UnauthorisedListener | null): void {
  onUnauthorised = listener;
}

/**
 * JSON answers read before the service worker took charge of the page, so not kept for offline use
 * yet (only those it would keep): noted only while it is being set up (`noteGetsUntilAppCache`), at
 * most `GETS_NOTED`.
 */
let getsBeforeAppCache: Set<string> | null = null;
const GETS_NOTED = 100;

/** Starts noting what the page reads until the service worker takes charge (see appCache.ts). */
export function noteGetsUntilAppCache(): void {
  getsBeforeAppCache ??= new Set();
}

/** The paths of those answers, once; noting stops. */
export function takeGetsBeforeAppCache(): string[] {
  const paths = [...(getsBeforeAppCache ?? [])];
  getsBeforeAppCache = null;
  return paths;
}

function isApiError(body: unknown): body is ApiError {
  return typeof body === 'object' && body !== null && typeof (body as ApiError).error === 'string';
}

/** Sends a request; a failure (no answer, or an answer that is not OK) as an ApiRequestError. */
async function send(path: string, options: RequestOptions, accept: string): Promise<Response> {
  if (answersNothing) return new Promise<never>(() => {});
  const { unauthorisedIsAnswer = false, ...init } = options;
  const method = (init.method ?? 'GET').toUpperCase();
  let response: Response;
  try {
    const early = method === 'GET' && accept === 'application/json' ? takeEarlyAnswer(path) : null;
    response = await (early ??
      fetch(path, {
        ...init,
        credentials: 'same-origin',
        headers: { Accept: accept, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      }));
  } catch {
    throw new ApiRequestError('Huddle could not reach the server. Check your connection and try again.', 0);
  }
  if (response.ok) {
    if (
      getsBeforeAppCache &&
      getsBeforeAppCache.size < GETS_NOTED &&
      method === 'GET' &&
      accept === 'application/json' &&
      isKeptApiAnswer(path)
    )
      getsBeforeAppCache.add(path);
    return response;
  }
  const body: unknown = await response.json().catch(() => undefined);
  const message = isApiError(body) ? body.error : `The server answered ${response.status}`;
  if (response.status === 401 && !unauthorisedIsAnswer) onUnauthorised?.();
  throw new ApiRequestError(message, response.status, isApiError(body) ? (body.issues ?? []) : []);
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options, 'application/json');
  const body: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  return body as T;
}

/** A binary answer (a board version's document), as bytes. */
export async function requestBytes(path: string, options: RequestOptions = {}): Promise<Uint8Array> {
  const response = await send(path, options, 'application/octet-stream');
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch {
    throw new ApiRequestError('The answer from the server was cut short. Try again.', 0);
  }
}

/** A JSON body for POST/PUT/PATCH; state-changing requests always send one, even when it is `{}`. */
export function jsonBody(value: unknown): Pick<RequestInit, 'body'> {
  return { body: JSON.stringify(value) };
}
