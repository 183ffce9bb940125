import { createHash } from 'node:crypto';
import type { AuditValue } from '#shared/audit';

/** Deeper than this, a value is not kept (Postgres refuses very deep JSON). */
const MAX_DEPTH = 32;
const TOO_DEEP = '(nested too deeply to keep in the database)';

/** Text Postgres holds as it is: no NUL, no unpaired surrogate. */
const isStorableText = (text: string): boolean => text.isWellFormed() && !text.includes('\0');

/**
 * Text as Postgres can hold it: it refuses NUL, and jsonb refuses unpaired surrogates, both of
 * which a client can put in a Yjs string. Text that is storable already (nearly all) is not copied:
 * the trail and the projection store several texts with every change.
 */
export function storableText(value: string): string {
  return isStorableText(value) ? value : value.toWellFormed().replaceAll('\0', '\uFFFD');
}

/**
 * True when `storable` would give `value` back as it is (plain JSON of storable text, not too deep):
 * the usual case, told without copying anything (the projection and the trail store every change).
 */
function isStorable(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return isStorableText(value);
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isStorable(value[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const key in value)
        if (!isStorableText(key) || !isStorable((value as Record<string, unknown>)[key], depth + 1))
          return false;
      return true;
    }
    default:
      return false;
  }
}

/** A JSON value as Postgres can hold it in jsonb: its text storable, its depth bounded. */
export function storable(value: unknown): AuditValue {
  return isStorable(value, 0) ? (value as AuditValue) : storableCopy(value, 0);
}

/** `value` copied as `storable` gives it, once it is known to need changing somewhere. */
function storableCopy(value: unknown, depth: number): AuditValue {
  if (typeof value === 'string') return storableText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item: unknown) => storableCopy(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [storableText(k), storableCopy(v, depth + 1)]),
  );
}

/**
 * A timestamp a record holds (text a client wrote) as a Date Postgres can keep: null when it is not
 * a date, or is outside Postgres's range (4713 BC to 294276 AD; kept well inside it).
 */
export function storableInstant(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  const year = at.getUTCFullYear();
  return Number.isNaN(at.getTime()) || year < -4000 || year > 200_000 ? null : at;
}

/** Longest key kept as it is; an index entry must fit in a fraction of a Postgres page. */
const MAX_KEY_CHARS = 256;

/**
 * An id as a key column can hold it: storable text, and a longer id (only a hostile client makes
 * one) cut short with a hash of the whole, so two long ids stay two keys.
 */
export function storableKey(id: string): string {
  const text = storableText(id);
  if (text.length <= MAX_KEY_CHARS) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return `${text.slice(0, MAX_KEY_CHARS - 20)}...#${hash}`;
}
