import { COMMENT_BODY_MAX, type Mentionable } from '#shared/board/comment';
import type { TextLimit } from '../forms/textLimits.ts';

/*
 * What the comment thread shows, as plain functions: a comment's words split into text and mentions
 * (rendered as text, never as HTML), when it was written, and the words a mention puts in the box.
 */

export const COMMENT_LIMIT: TextLimit = { max: COMMENT_BODY_MAX, what: 'the comment' };

/** A piece of a comment: plain text, or a team member's `@Full Name` as it was typed. */
export type CommentPart = { text: string; mention: null } | { text: string; mention: Mentionable };

const NAME_GOES_ON = /[\p{L}\p{N}]/u;

/**
 * A comment's words in order, each `@Full Name` of a team member its own part (matched as
 * `mentionedIn` in shared/board/comment.ts matches them: the longest name that fits, any case, never
 * an `@` inside a word). Joining the parts' text gives the words back unchanged.
 */
export function commentParts(text: string, team: readonly Mentionable[]): CommentPart[] {
  const byLength = team
    .filter((member) => member.name.trim())
    .sort((a, b) => b.name.trim().length - a.name.trim().length);
  const lower = text.toLocaleLowerCase();
  const parts: CommentPart[] = [];
  let from = 0;
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && NAME_GOES_ON.test(lower.charAt(at - 1))) continue; // an email address
    const member = byLength.find((candidate) => {
      const name = candidate.name.trim().toLocaleLowerCase();
      return lower.startsWith(name, at + 1) && !NAME_GOES_ON.test(lower.charAt(at + 1 + name.length));
    });
    if (!member) continue;
    const end = at + 1 + member.name.trim().length;
    if (at > from) parts.push({ text: text.slice(from, at), mention: null });
    parts.push({ text: text.slice(at, end), mention: member });
    from = end;
    at = end - 1;
  }
  if (from < text.length) parts.push({ text: text.slice(from), mention: null });
  return parts;
}

/** The text after picking `name` for the `@query` typed from `start` to `caret`, and where the caret goes. */
export function withMention(
  text: string,
  start: number,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name.trim()} `;
  const rest = text.slice(caret);
  // A space already after the caret is not doubled.
  const next = `${text.slice(0, start)}${inserted}${rest.startsWith(' ') ? rest.slice(1) : rest}`;
  return { text: next, caret: start + inserted.length };
}

/** "1 comment" / "3 comments" */
export function commentsLabel(count: number): string {
  return `${count} ${count === 1 ? 'comment' : 'comments'}`;
}

/** How many people a mention list offers, for its live region. */
export function matchesMessage(count: number): string {
  if (count === 0) return 'Nobody in the team matches';
  return `${count} ${count === 1 ? 'person matches' : 'people match'}`;
}

const dayKey = (date: Date, timeZone: string | undefined): string =>
  new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(
    date,
  );

/**
 * When a comment was written, for the thread: "Today at 14:05", "Yesterday at 09:30", "22 November
 * at 14:05", or with the year when it was not this year. `timeZone` is the browser's unless given.
 */
export function commentTime(iso: string, now: Date = new Date(), timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(
    date,
  );
  const day = dayKey(date, timeZone);
  if (day === dayKey(now, timeZone)) return `Today at ${time}`;
  if (day === dayKey(new Date(now.getTime() - 86_400_000), timeZone)) return `Yesterday at ${time}`;
  const sameYear = day.slice(0, 4) === dayKey(now, timeZone).slice(0, 4);
  const written = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: sameYear ? undefined : 'numeric',
    timeZone,
  }).format(date);
  return `${written} at ${time}`;
}

/** A moment in full, for a withdrawn comment: "22 November 2026 at 14:05". */
export function commentDate(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone });
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone });
  return `${day.format(date)} at ${time.format(date)}`;
}
