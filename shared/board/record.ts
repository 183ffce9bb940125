import { z } from 'zod';

/**
 * A record read from the board document. Records written by an old or hostile client can fail
 * validation; views show those as needing attention with what is wrong instead of crashing.
 */
export type RecordRead<T> =
  | { id: string; ok: true; value: T }
  | { id: string; ok: false; problems: string[]; raw: Record<string, unknown> };

export function readRecord<T>(schema: z.ZodType<T>, id: string, raw: Record<string, unknown>): RecordRead<T> {
  // The record's own id wins over any `id` field. Spread first when there is one: an object spread
  // and then added to (`{ ...raw, id }`) is slow to make in Node 20 and lands in the old generation,
  // and the server reads every new record so.
  // eslint-disable-next-line no-restricted-syntax -- the first only for a hostile client's record
  const parsed = schema.safeParse(Object.hasOwn(raw, 'id') ? { ...raw, id } : { id, ...raw });
  if (parsed.success) return { id, ok: true, value: parsed.data };
  return { id, ok: false, raw, problems: problemsOf(parsed.error) };
}

/** Zod's issues as lines a person can read: "dueDate: Give a due date as YYYY-MM-DD". */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) =>
    issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
}

/** The valid records of a read, for views that only show what can be shown. */
export function validRecords<T>(reads: readonly RecordRead<T>[]): T[] {
  return reads.flatMap((read) => (read.ok ? [read.value] : []));
}

/** Who made a change: the signed-in user (`id` is null for the server and for old records). */
export interface Actor {
  id: string | null;
  name: string;
}

/**
 * Who makes a change and when: every write to a board takes it, in the same place, so that whoever
 * writes is named and tests set the clock. Records that keep who or when (created, completed,
 * archived, entered a stage) take it from here; `now` is the present when left out.
 */
export interface WriteContext {
  by: Actor;
  now?: Date;
}

/** `YYYY-MM-DD`, a calendar date with no time zone. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a `YYYY-MM-DD` that names a day on the calendar (not 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  // Counted rather than parsed: every record with a date is checked on every change the server takes.
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);
}

/** A calendar date field: `what` names it in the message ("a due date"). */
export const calendarDate = (what: string) =>
  z.string({ error: `Give ${what} as YYYY-MM-DD` }).refine(isCalendarDate, `Give ${what} as YYYY-MM-DD`);

/** An ISO timestamp as `Date.toISOString` writes it. */
export const timestamp = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'Not a date and time');

/** An id of another record or of a user: non-empty and short. */
export const recordId = (message: string) => z.string({ error: message }).min(1, message).max(128);

/** Today's date where the person is (local time, not UTC: during British Summer Time they differ after midnight). */
export function todayIsoDate(now = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}

/** Whole days from one `YYYY-MM-DD` to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The `YYYY-MM-DD` `days` whole days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
