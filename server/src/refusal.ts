import { isUniqueViolation } from './db/errors.ts';

/*
 * A refusal: what domain code returns when it will not do what it was asked, with what kind of "no"
 * it is and why, in words for the person. Each way in says it its own way: http/ as a status and an
 * `ApiError`, socket.io in its answer, the Yjs upgrade as a status before any sync message.
 */

export type RefusalKind = 'sign-in' | 'forbidden' | 'not-found' | 'invalid' | 'conflict';

/** A problem with one field of a request, shown beside that field. */
export interface FieldProblem {
  path: string;
  message: string;
}

export interface Refusal {
  readonly refused: RefusalKind;
  readonly message: string;
  /** The field at fault, when one is. */
  readonly issues?: readonly FieldProblem[];
}

/** A refusal of this kind, saying `message`; about the request's `field` when one is named. */
export function refuse(refused: RefusalKind, message: string, field?: string): Refusal {
  return field === undefined
    ? { refused, message }
    : { refused, message, issues: [{ path: field, message }] };
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'refused' in value && 'message' in value;
}

/** The HTTP status each kind of refusal is answered with (REST, and a refused Yjs upgrade). */
export const REFUSAL_STATUS = {
  'sign-in': 401,
  forbidden: 403,
  'not-found': 404,
  invalid: 400,
  conflict: 409,
} as const satisfies Record<RefusalKind, number>;

/**
 * Runs a write that a unique constraint guards. When the value is taken, a conflict refusal with
 * the message on the field (`path`) that caused it, so the form shows it there.
 */
export async function unlessTaken<T>(
  write: () => Promise<T>,
  path: string,
  message: string,
): Promise<T | Refusal> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) return refuse('conflict', message, path);
    throw error;
  }
}
