import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCalendarDate, readRecord } from './record.ts';

describe('readRecord', () => {
  const schema = z.object({ id: z.string(), title: z.string() });

  it('reads a record as its id and fields, whatever id a field of its own claims', () => {
    expect(readRecord(schema, 'action-1', { title: 'Ring the GP' })).toEqual({
      id: 'action-1',
      ok: true,
      value: { id: 'action-1', title: 'Ring the GP' },
    });
    const claimed = readRecord(schema, 'action-1', { id: 'action-2', title: 'Ring the GP' });
    expect(claimed.ok && claimed.value.id).toBe('action-1');
  });
});

describe('isCalendarDate', () => {
  it('takes the days of the calendar and refuses the others', () => {
    for (const day of ['2026-12-06', '2024-02-29', '2000-02-29', '2026-04-30', '2026-12-31', '0001-01-01'])
      expect(isCalendarDate(day), day).toBe(true);
    for (const day of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00'])
      expect(isCalendarDate(day), day).toBe(false);
    for (const text of ['2026-1-01', '2026-01-01T00:00:00Z', ' 2026-01-01', '', 'tomorrow'])
      expect(isCalendarDate(text), text).toBe(false);
  });

  it('agrees with the calendar of Date on every day of four years, a century leap year among them', () => {
    for (const year of [1900, 2000, 2026, 2028]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const date = new Date(`${text}T00:00:00Z`);
          expect(isCalendarDate(text), text).toBe(date.toISOString().slice(0, 10) === text);
        }
      }
    }
  });
});
