import { daysBetween, isCalendarDate } from '#shared/board/record';

/** One formatter for every date on screen: making one costs more than formatting thousands. */
const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "2026-11-22" -> "22 November 2026" (the NHS style for dates). */
export function formatIsoDate(iso: string): string {
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return LONG_DATE.format(date);
}

/**
 * Whether a date being set on a record has already passed and should be confirmed before it is saved:
 * a valid `YYYY-MM-DD` before `today` that is not the date the record already has (`before`), since
 * keeping an overdue action's date while changing something else needs no second thought.
 */
export function isPastDateToConfirm(date: string, today: string, before: string | null = null): boolean {
  return isCalendarDate(date) && date < today && date !== before;
}

/** "3 March 2026 was 7 days ago" ("yesterday" for one day). */
export function describePastDate(date: string, today: string): string {
  const days = daysBetween(date, today);
  return `${formatIsoDate(date)} was ${days === 1 ? 'yesterday' : `${days} days ago`}`;
}
