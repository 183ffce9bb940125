import { describe, expect, it } from 'vitest';
import { formatIsoDate } from './dates.ts';

describe('formatIsoDate', () => {
  it('writes dates the NHS way, and leaves what is not a date alone', () => {
    expect(formatIsoDate('2026-06-30')).toBe('30 June 2026');
    expect(formatIsoDate('2026-01-05')).toBe('5 January 2026');
    expect(formatIsoDate('soon')).toBe('soon');
  });
});
