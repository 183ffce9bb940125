/*
 * One edit that turns a text into another: where, how much is cut, what is put in. The audit trail
 * keeps typing as splices (server/src/audit/typingBursts.ts); restoring a note from a past version
 * makes the smallest edit, so what someone types elsewhere in it meanwhile is kept.
 */

/** One edit to a text: `cut` characters (UTF-16 units) removed at `at`, `put` inserted there; `length` after. */
export interface TextSplice {
  at: number;
  cut: number;
  put: string;
  length: number;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** The one splice that turns `before` into `after`: the part between their common start and end. */
export function spliceBetween(before: string, after: string): TextSplice {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
  let end = 0;
  while (
    end < shorter - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  )
    end += 1;
  // Never between the two halves of a surrogate pair (an emoji): each half alone is not storable text.
  if (start > 0 && isHighSurrogate(after.charCodeAt(start - 1))) start -= 1;
  if (end > 0 && isLowSurrogate(after.charCodeAt(after.length - end))) end -= 1;
  return {
    at: start,
    cut: before.length - start - end,
    put: after.slice(start, after.length - end),
    length: after.length,
  };
}

/** `text` with the splice made; null when the splice does not fit it (an edit before it is missing). */
export function applySplice(text: string, splice: TextSplice): string | null {
  if (splice.at < 0 || splice.cut < 0 || splice.at + splice.cut > text.length) return null;
  const result = text.slice(0, splice.at) + splice.put + text.slice(splice.at + splice.cut);
  return result.length === splice.length ? result : null;
}
