import { z } from 'zod';
import { recordId, timestamp, type Actor } from './record.ts';

/*
 * A comment on an action or a person: "respite booked for Thursday, @Dr Amir Khan can you confirm
 * meds?". Comments are records of the board's document like the rest of its work, so they are typed
 * offline and kept with the board, in its audit trail. A comment is never deleted: its author can
 * edit it (what it said before is kept in `edits`) or withdraw it (it then says so in the thread).
 */

/** The collections a comment can be on. */
export const COMMENT_SUBJECTS = ['actions', 'people'] as const;
export type CommentSubject = (typeof COMMENT_SUBJECTS)[number];

export const COMMENT_BODY_MAX = 2000;
/** People one comment can mention. */
export const COMMENT_MENTIONS_MAX = 20;
/** Earlier versions one comment keeps: after this many edits, write a new comment. */
export const COMMENT_EDITS_MAX = 20;

const body = z
  .string({ error: 'Write the comment' })
  .trim()
  .min(1, 'Write the comment')
  .max(COMMENT_BODY_MAX, `Keep a comment to ${COMMENT_BODY_MAX} characters or fewer`);

const mentions = z
  .array(z.string().min(1).max(128), { error: 'Mentions are a list of the team’s user ids' })
  .max(COMMENT_MENTIONS_MAX, `Mention at most ${COMMENT_MENTIONS_MAX} people in one comment`);

/** What a comment said before an edit, and when it was written (or last edited). */
export const commentEditSchema = z.object({
  body: z.string().max(COMMENT_BODY_MAX),
  at: timestamp,
});
export type CommentEdit = z.infer<typeof commentEditSchema>;

export const commentSchema = z.object({
  id: z.string().min(1),
  subjectType: z.enum(COMMENT_SUBJECTS, { error: 'A comment is on an action or a person' }),
  subjectId: recordId('Say which action or person the comment is on'),
  body,
  /** The user ids of the team members it mentions. */
  mentions: mentions.default([]),
  /** What it said before each edit, oldest first. */
  edits: z
    .array(commentEditSchema)
    .max(COMMENT_EDITS_MAX, `A comment can be edited ${COMMENT_EDITS_MAX} times; write a new one`)
    .default([]),
  editedAt: timestamp.nullable().default(null),
  withdrawnAt: timestamp.nullable().default(null),
  createdAt: timestamp,
  createdBy: z.string(),
  createdById: z.string().min(1, 'A comment names who wrote it'),
});
export type Comment = z.infer<typeof commentSchema>;

export const commentInputSchema = z.object({
  subjectType: commentSchema.shape.subjectType,
  subjectId: commentSchema.shape.subjectId,
  body,
  mentions: mentions.default([]),
});
export type CommentInput = z.input<typeof commentInputSchema>;

/** The comment `by` writes. */
export function newComment(id: string, input: CommentInput, by: Actor, now = new Date()): Comment {
  if (!by.id) throw new Error('Sign in to comment');
  const fields = commentInputSchema.parse(input);
  return commentSchema.parse({
    id,
    ...fields,
    mentions: [...new Set(fields.mentions)],
    edits: [],
    editedAt: null,
    withdrawnAt: null,
    createdAt: now.toISOString(),
    createdBy: by.name,
    createdById: by.id,
  });
}

/** The comment after its author changes what it says: what it said before is kept. */
export function editedComment(
  current: Comment,
  change: { body: string; mentions: readonly string[] },
  by: Actor,
  now = new Date(),
): Comment {
  const problem = commentAuthorProblem(current, by) ?? withdrawnProblem(current);
  if (problem) throw new Error(problem);
  const next = commentSchema.safeParse({
    ...current,
    body: change.body,
    mentions: [...new Set(change.mentions)],
    edits: [...current.edits, { body: current.body, at: current.editedAt ?? current.createdAt }],
    editedAt: now.toISOString(),
  });
  if (!next.success) throw new Error(next.error.issues.map((i) => i.message).join('; '));
  return next.data;
}

/** The comment withdrawn by its author: kept, and shown as withdrawn. */
export function withdrawnComment(current: Comment, by: Actor, now = new Date()): Comment {
  const problem = commentAuthorProblem(current, by) ?? withdrawnProblem(current);
  if (problem) throw new Error(problem);
  return { ...current, withdrawnAt: now.toISOString() };
}

function commentAuthorProblem(comment: Comment, by: Actor | null): string | null {
  return !by || by.id === comment.createdById
    ? null
    : `Only ${comment.createdBy || 'its author'} can change or withdraw this comment`;
}

function withdrawnProblem(comment: Comment): string | null {
  return comment.withdrawnAt === null ? null : 'A withdrawn comment stays withdrawn';
}

/** The fields only a comment's author changes. */
const AUTHORED_FIELDS = ['body', 'mentions', 'edits', 'editedAt', 'withdrawnAt'] as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Whoever set one of the author's fields that is not the author. */
function authoredProblem(
  comment: Comment,
  fields: readonly string[],
  authorOf: (field: string) => Actor | null,
): string | null {
  for (const field of fields) {
    const problem = commentAuthorProblem(comment, authorOf(field));
    if (problem) return problem;
  }
  return null;
}

/**
 * Why a new comment breaks the board's rules, or null. `authorOf` names who set each field (null:
 * not known, not checked). A comment written offline may arrive edited or withdrawn already, by its
 * author.
 */
export function newCommentProblem(
  comment: Comment,
  creator: Actor | null,
  authorOf: (field: string) => Actor | null = () => creator,
): string | null {
  if (creator && comment.createdById !== creator.id)
    return 'A comment is added in the name of the person writing it';
  return authoredProblem(comment, AUTHORED_FIELDS, authorOf);
}

/**
 * Why the change of `before` into `after` breaks the rules `editedComment` and `withdrawnComment`
 * follow, however it was made: it stays on its action or person; only its author edits or withdraws
 * it; an edit keeps what it said before (edits made offline arrive together: each is kept, the
 * first holding what the board had); a withdrawn comment stays as it was withdrawn. `authorOf`
 * names who set each field's value (null: not known, not checked).
 */
export function commentChangeProblem(
  before: Comment,
  after: Comment,
  authorOf: (field: string) => Actor | null,
): string | null {
  if (before.subjectType !== after.subjectType || before.subjectId !== after.subjectId)
    return 'A comment stays on the action or person it was written on';
  const changed = AUTHORED_FIELDS.filter((field) => !same(before[field], after[field]));
  if (changed.length === 0) return null;
  const problem = authoredProblem(before, changed, authorOf);
  if (problem) return problem;
  if (before.withdrawnAt !== null) return 'A withdrawn comment stays withdrawn';
  const edited = changed.some((field) => field === 'body' || field === 'edits' || field === 'editedAt');
  if (edited) {
    const kept = [...before.edits, { body: before.body, at: before.editedAt ?? before.createdAt }];
    const keepsBefore = same(after.edits.slice(0, kept.length), kept);
    if (after.edits.length < kept.length || !keepsBefore || after.editedAt === null)
      return 'An edited comment keeps what it said before';
  }
  return null;
}

/** A team member a comment can mention. */
export interface Mentionable {
  id: string;
  name: string;
}

const NAME_GOES_ON = /[\p{L}\p{N}]/u;

/**
 * The team members a comment's text mentions: each `@` followed by a member's name (the longest
 * that fits, so "@Sam Jones" is not "@Sam"), in the order they first appear. An `@` inside a word
 * (an email address) mentions nobody.
 */
export function mentionedIn(text: string, team: readonly Mentionable[]): string[] {
  const byLength = [...team].filter((m) => m.name.trim()).sort((a, b) => b.name.length - a.name.length);
  const found: string[] = [];
  const lower = text.toLocaleLowerCase();
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && NAME_GOES_ON.test(lower.charAt(at - 1))) continue; // an email address
    const match = byLength.find((member) => {
      const name = member.name.trim().toLocaleLowerCase();
      const next = lower.charAt(at + 1 + name.length);
      return lower.startsWith(name, at + 1) && !NAME_GOES_ON.test(next);
    });
    if (match && !found.includes(match.id)) found.push(match.id);
  }
  return found.slice(0, COMMENT_MENTIONS_MAX);
}

/** The `@` being typed just before `caret`, as the mention list filters by it: null when none is. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at === -1) return null;
  if (at > 0 && NAME_GOES_ON.test(before.charAt(at - 1))) return null; // an email address
  const query = before.slice(at + 1);
  if (query.length > 40 || /\n/.test(query) || /\s{2}/.test(query)) return null;
  return { start: at, query };
}

/** The team members whose name starts with (or has a word starting with) `query`, at most `limit`. */
export function mentionCandidates<T extends Mentionable>(team: readonly T[], query: string, limit = 8): T[] {
  const q = query.trim().toLocaleLowerCase();
  const matches = team.filter((member) => {
    const name = member.name.toLocaleLowerCase();
    return q === '' || name.startsWith(q) || name.split(/\s+/).some((word) => word.startsWith(q));
  });
  return matches.slice(0, limit);
}
