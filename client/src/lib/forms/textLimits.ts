import type { FieldErrors } from './formErrors.ts';

/**
 * Text longer than a field allows is never cut: the form counts as people type, near the limit, and
 * refuses to save with a message that says by how much. Lengths are JavaScript string lengths, as the
 * schemas in shared/board/ count them (and as Yjs counts a Y.Text).
 */

/** A field's limit and how a message names it ("the action"). */
export interface TextLimit {
  max: number;
  what: string;
}

/** The count shows once this share of the limit is used. */
export const COUNT_THRESHOLD = 0.75;

const number = (n: number): string => n.toLocaleString('en-GB');
const characters = (n: number): string => `${number(n)} ${n === 1 ? 'character' : 'characters'}`;

/** How long a typed field is as it will be saved: the schemas trim leading and trailing spaces. */
export function savedLength(value: string): number {
  return value.trim().length;
}

/** Whether to show the count: from `COUNT_THRESHOLD` of the limit on, and over it. */
export function isNearLimit(length: number, max: number): boolean {
  return length >= max * COUNT_THRESHOLD;
}

/** "You have 12 characters remaining", "You have 0 characters remaining", "You have 112 characters too many" */
export function countMessage(length: number, max: number): string {
  const left = max - length;
  return left >= 0 ? `You have ${characters(left)} remaining` : `You have ${characters(-left)} too many`;
}

/** "Shorten the action to 300 characters or fewer: it is 412" */
export function tooLongMessage(limit: TextLimit, length: number): string {
  return `Shorten ${limit.what} to ${number(limit.max)} characters or fewer: it is ${number(length)}`;
}

/** An error for each field in `limits` that is too long to save, saying by how much. */
export function lengthErrors<F extends string>(
  values: Partial<Record<F, unknown>>,
  limits: Partial<Record<F, TextLimit>>,
): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  for (const field of Object.keys(limits) as F[]) {
    const limit = limits[field];
    const value = values[field];
    if (!limit || typeof value !== 'string') continue;
    const length = savedLength(value);
    if (length > limit.max) errors[field] = tooLongMessage(limit, length);
  }
  return errors;
}

/** The length of a field after an input replaces its selection (`start` to `end`) with `inserted`. */
export function lengthAfterInput(current: string, start: number, end: number, inserted: string): number {
  const from = Math.max(0, Math.min(start, end, current.length));
  const to = Math.min(current.length, Math.max(start, end));
  return current.length - (to - from) + inserted.length;
}

/** Why text typed or pasted into a shared field was not added, with the count. */
export function sharedTextRefusal(limit: TextLimit, length: number): string {
  return `That was not added: it would make ${limit.what} ${characters(length)} long, and ${number(limit.max)} is the most it can hold. Shorten it or add less.`;
}
