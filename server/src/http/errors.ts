import type { z } from 'zod';
import type { ApiError } from '../../../shared/api.ts';
import type { Refusal } from '../access/AccessPolicy.ts';

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

  static from(refusal: Refusal): HttpError {
    return new HttpError(refusal.status, refusal.message);
  }
}

/** Parses a request body or query with a shared validator; a 400 with every field's problem otherwise. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const unstorable = unstorableText(input);
  if (unstorable !== null) {
    const message = 'This contains a character that cannot be stored (a null character or a broken symbol)';
    throw new HttpError(400, message, [{ path: unstorable, message }]);
  }
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new HttpError(
    400,
    parsed.error.issues[0]?.message ?? 'The request was not valid',
    parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** The path of the first string Postgres text cannot hold (NUL, an unpaired surrogate), or null. */
function unstorableText(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') {
    return value.includes('\0') || !value.isWellFormed() ? path.join('.') : null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = unstorableText(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}
