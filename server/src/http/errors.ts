import type { z } from 'zod';
import type { ApiError } from '#shared/api';
import { isRefusal, REFUSAL_STATUS, type Refusal } from '../refusal.ts';

/** An error answered as `ApiError` JSON with this status. Thrown from handlers and hooks. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly issues?: ApiError['issues'],
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** A domain's refusal as the HTTP status its kind is answered with. */
  static from(refusal: Refusal): HttpError {
    return new HttpError(
      REFUSAL_STATUS[refusal.refused],
      refusal.message,
      refusal.issues && [...refusal.issues],
    );
  }
}

/** A domain's answer for a route to send, or its refusal thrown as the HTTP error it maps to. */
export function answer<T>(result: T | Refusal): T {
  if (isRefusal(result)) throw HttpError.from(result);
  return result;
}

/** Deeper than any request Huddle takes (its bodies are two levels deep at most). */
export const MAX_INPUT_DEPTH = 32;

const UNSTORABLE = 'This contains a character that cannot be stored (a null character or a broken symbol)';
const TOO_DEEP = 'This request is nested too deeply to be read';

/** Parses a request body or query with a shared validator; a 400 with every field's problem otherwise. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const problem = inputProblem(input);
  if (problem !== null) {
    const message = problem.kind === 'unstorable' ? UNSTORABLE : TOO_DEEP;
    throw new HttpError(400, message, [{ path: problem.path, message }]);
  }
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new HttpError(
    400,
    parsed.error.issues[0]?.message ?? 'The request was not valid',
    parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** Whether Postgres text can hold this string: no NUL, no unpaired surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes('\0') && value.isWellFormed();
}

export interface InputProblem {
  kind: 'unstorable' | 'too-deep';
  /** Where, as `field.0.name`. */
  path: string;
}

/**
 * The first string in client input that Postgres text cannot hold, or the first place it is nested
 * deeper than `maxDepth`. Walks with its own stack, never by recursion, however deep the input.
 */
export function inputProblem(input: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: { value: unknown; path: string[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return { kind: 'unstorable', path: path.join('.') };
    } else if (value !== null && typeof value === 'object') {
      if (path.length >= maxDepth) return { kind: 'too-deep', path: path.join('.') };
      const entries = Object.entries(value);
      // Pushed in reverse, so the first field is looked at first.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]!;
        if (!isStorableText(key)) return { kind: 'unstorable', path: [...path, key].join('.') };
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return null;
}
