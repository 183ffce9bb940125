/**
 * NHS number rules: ten digits, the last a modulus 11 check digit over the first nine
 * (weights 10..2; check = 11 - sum mod 11; 11 means 0; 10 means the number is invalid).
 */

/** The check digit for nine leading digits, or null when no valid NHS number starts with them. */
export function nhsCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** Strips spaces and dashes people type between the groups. */
export function normaliseNhsNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function isValidNhsNumber(input: string): boolean {
  const digits = normaliseNhsNumber(input);
  if (!/^\d{10}$/.test(digits)) return false;
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** "9434765919" -> "943 476 5919" */
export function formatNhsNumber(input: string): string {
  const d = normaliseNhsNumber(input);
  return d.length === 10 ? `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}` : input;
}
