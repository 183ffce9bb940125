import type { z } from 'zod';

/**
 * A record read from the board document. Records written by an old or hostile client can fail
 * validation; views show those as needing attention with what is wrong instead of crashing.
 */
export type RecordRead<T> =
  | { id: string; ok: true; value: T }
  | { id: string; ok: false; problems: string[]; raw: Record<string, unknown> };

export function readRecord<T>(schema: z.ZodType<T>, id: string, raw: Record<string, unknown>): RecordRead<T> {
  const parsed = schema.safeParse({ ...raw, id });
  if (parsed.success) return { id, ok: true, value: parsed.data };
  return {
    id,
    ok: false,
    raw,
    problems: parsed.error.issues.map((issue) =>
      issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    ),
  };
}

/** `YYYY-MM-DD`, a calendar date with no time zone. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date where the person is (local time, not UTC: during British Summer Time they differ after midnight). */
export function todayIsoDate(now = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}
