import { describe, expect, it } from 'vitest';
import { describePastDate, formatIsoDate, isPastDateToConfirm } from './dates.ts';

describe('formatIsoDate', () => {
  it('writes dates the NHS way, and leaves what is not a date alone', () => {
    expect(formatIsoDate('2026-06-30')).toBe('30 June 2026');
    expect(formatIsoDate('2026-01-05')).toBe('5 January 2026');
    expect(formatIsoDate('soon')).toBe('soon');
  });
});

describe('a date in the past', () => {
  const today = '2026-03-10';

  it('asks for confirmation of a date that has passed, unless the record already had it', () => {
    expect(isPastDateToConfirm('2026-03-09', today)).toBe(true);
    expect(isPastDateToConfirm('2025-12-25', today, '2026-04-01')).toBe(true);
    expect(isPastDateToConfirm('2026-03-01', today, '2026-03-01')).toBe(false);
  });

  it('does not ask about today, the future, an empty date or one that is not on the calendar', () => {
    expect(isPastDateToConfirm(today, today)).toBe(false);
    expect(isPastDateToConfirm('2026-03-11', today)).toBe(false);
    expect(isPastDateToConfirm('', today)).toBe(false);
    expect(isPastDateToConfirm('2026-02-30', today)).toBe(false);
  });

  it('says how long ago it was', () => {
    expect(describePastDate('2026-03-03', today)).toBe('3 March 2026 was 7 days ago');
    expect(describePastDate('2026-03-09', today)).toBe('9 March 2026 was yesterday');
    expect(describePastDate('2025-03-10', today)).toBe('10 March 2025 was 365 days ago');
  });
});
