import { describe, expect, it } from 'vitest';
import { formatNhsNumber, isValidNhsNumber, nhsCheckDigit } from './nhsNumber.ts';

describe('NHS number', () => {
  it('accepts numbers whose modulus 11 check digit matches', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943-476-5919')).toBe(true);
  });

  it('refuses a wrong check digit, wrong length and non-digits', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('94347659190')).toBe(false);
    expect(isValidNhsNumber('94347659l9')).toBe(false);
    expect(isValidNhsNumber('')).toBe(false);
  });

  it('has no valid number when the check comes out as 10, and uses 0 when it comes out as 11', () => {
    const bodies = Array.from({ length: 2000 }, (_, i) => String(999_000_000 + i));
    const ten = bodies.find((b) => {
      let sum = 0;
      for (let i = 0; i < 9; i++) sum += Number(b[i]) * (10 - i);
      return 11 - (sum % 11) === 10;
    })!;
    const eleven = bodies.find((b) => {
      let sum = 0;
      for (let i = 0; i < 9; i++) sum += Number(b[i]) * (10 - i);
      return sum % 11 === 0;
    })!;
    expect(nhsCheckDigit(ten)).toBeNull();
    for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(`${ten}${d}`)).toBe(false);
    expect(nhsCheckDigit(eleven)).toBe(0);
    expect(isValidNhsNumber(`${eleven}0`)).toBe(true);
  });

  it('shows as 3 3 4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
    expect(formatNhsNumber('12345')).toBe('12345');
  });
});
