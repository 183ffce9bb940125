import { describe, expect, it } from 'vitest';
import {
  COMMENT_BODY_MAX,
  commentChangeProblem,
  editedComment,
  mentionCandidates,
  mentionQuery,
  mentionedIn,
  newComment,
  newCommentProblem,
  withdrawnComment,
} from './comment.ts';
import { priya, tom } from './testing.ts';

const at = (time: string) => new Date(`2026-12-04T${time}:00Z`);
const team = [
  { id: 'u-sam', name: 'Sam' },
  { id: 'u-sam-jones', name: 'Sam Jones' },
  { id: 'user-tom', name: 'Dr Tom Reid' },
  { id: 'user-priya', name: 'Priya Shah' },
];

const priyasComment = () =>
  newComment(
    'c1',
    { subjectType: 'actions', subjectId: 'a1', body: '  Respite booked for Thursday  ' },
    priya,
    at('09:00'),
  );

describe('comments', () => {
  it('are written in their author’s name, trimmed, and need words within the limit', () => {
    expect(priyasComment()).toEqual({
      id: 'c1',
      subjectType: 'actions',
      subjectId: 'a1',
      body: 'Respite booked for Thursday',
      mentions: [],
      edits: [],
      editedAt: null,
      withdrawnAt: null,
      createdAt: '2026-12-04T09:00:00.000Z',
      createdBy: 'Priya Shah',
      createdById: 'user-priya',
    });
    expect(() => newComment('c2', { subjectType: 'actions', subjectId: 'a1', body: '   ' }, priya)).toThrow(
      'Write the comment',
    );
    expect(() =>
      newComment('c2', { subjectType: 'goals' as never, subjectId: 'a1', body: 'Hello' }, priya),
    ).toThrow('A comment is on an action or a person');
    expect(() =>
      newComment(
        'c2',
        { subjectType: 'people', subjectId: 'p1', body: 'x'.repeat(COMMENT_BODY_MAX + 1) },
        priya,
      ),
    ).toThrow(`Keep a comment to ${COMMENT_BODY_MAX} characters or fewer`);
    expect(() =>
      newComment('c2', { subjectType: 'people', subjectId: 'p1', body: 'Hi' }, { id: null, name: 'Server' }),
    ).toThrow('Sign in to comment');
  });

  it('keep what they said before each edit, and only their author edits or withdraws them', () => {
    const once = editedComment(
      priyasComment(),
      { body: 'Respite booked for Friday', mentions: [] },
      priya,
      at('10:00'),
    );
    const twice = editedComment(
      once,
      { body: 'Respite booked for Monday', mentions: [] },
      priya,
      at('11:00'),
    );
    expect(twice).toMatchObject({
      body: 'Respite booked for Monday',
      editedAt: '2026-12-04T11:00:00.000Z',
      edits: [
        { body: 'Respite booked for Thursday', at: '2026-12-04T09:00:00.000Z' },
        { body: 'Respite booked for Friday', at: '2026-12-04T10:00:00.000Z' },
      ],
    });
    expect(() => editedComment(twice, { body: 'Changed', mentions: [] }, tom)).toThrow(
      'Only Priya Shah can change or withdraw this comment',
    );
    const withdrawn = withdrawnComment(twice, priya, at('12:00'));
    expect(withdrawn.withdrawnAt).toBe('2026-12-04T12:00:00.000Z');
    expect(() => editedComment(withdrawn, { body: 'Back again', mentions: [] }, priya)).toThrow(
      'A withdrawn comment stays withdrawn',
    );
  });

  it('break the rules when changed other than their author’s way, however the change was made', () => {
    const before = priyasComment();
    const edited = editedComment(before, { body: 'Respite booked for Friday', mentions: [] }, priya);
    const byPriya = () => priya;
    expect(commentChangeProblem(before, edited, byPriya)).toBeNull();
    expect(commentChangeProblem(before, edited, () => tom)).toBe(
      'Only Priya Shah can change or withdraw this comment',
    );
    expect(commentChangeProblem(before, { ...before, body: 'No trace' }, byPriya)).toBe(
      'An edited comment keeps what it said before',
    );
    expect(commentChangeProblem(edited, { ...edited, edits: [] }, byPriya)).toBe(
      'An edited comment keeps what it said before',
    );
    expect(commentChangeProblem(before, { ...before, subjectId: 'a2' }, byPriya)).toBe(
      'A comment stays on the action or person it was written on',
    );
    const withdrawn = withdrawnComment(before, priya);
    expect(commentChangeProblem(before, withdrawn, byPriya)).toBeNull();
    expect(commentChangeProblem(withdrawn, { ...withdrawn, withdrawnAt: null }, byPriya)).toBe(
      'A withdrawn comment stays withdrawn',
    );
    // Who set a field is not always known (the server's own changes): the rest still holds.
    expect(commentChangeProblem(before, { ...before, body: 'No trace' }, () => null)).toBe(
      'An edited comment keeps what it said before',
    );
    expect(newCommentProblem(before, tom)).toBe('A comment is added in the name of the person writing it');
    // Written, edited and withdrawn offline, it arrives as one change: fine when all of it is hers.
    const offline = withdrawnComment(
      editedComment(
        editedComment(before, { body: 'Friday', mentions: [] }, priya),
        { body: 'Monday', mentions: [] },
        priya,
      ),
      priya,
    );
    expect(newCommentProblem(offline, priya)).toBeNull();
    expect(commentChangeProblem(before, offline, byPriya)).toBeNull();
    expect(newCommentProblem(offline, priya, (field) => (field === 'withdrawnAt' ? tom : priya))).toBe(
      'Only Priya Shah can change or withdraw this comment',
    );
  });

  it('mention the team members named after an @, the longest name that fits, once each', () => {
    expect(mentionedIn('@Sam Jones and @sam, ask @Dr Tom Reid. Not me@Priya Shah', team)).toEqual([
      'u-sam-jones',
      'u-sam',
      'user-tom',
    ]);
    expect(mentionedIn('@Samantha is not Sam; @Dr Tom Reidy is not Tom', team)).toEqual([]);
    expect(mentionedIn('@Dr Tom Reid @Dr Tom Reid', team)).toEqual(['user-tom']);
  });

  it('find the @ being typed and the team members it could be', () => {
    expect(mentionQuery('Can @Dr T', 9)).toEqual({ start: 4, query: 'Dr T' });
    expect(mentionQuery('Can @', 5)).toEqual({ start: 4, query: '' });
    expect(mentionQuery('mail priya@example.org', 22)).toBeNull();
    expect(mentionQuery('@Sam\nand', 8)).toBeNull();
    expect(mentionQuery('No mention here', 15)).toBeNull();
    expect(mentionCandidates(team, 'sa').map((m) => m.id)).toEqual(['u-sam', 'u-sam-jones']);
    expect(mentionCandidates(team, 'rei').map((m) => m.id)).toEqual(['user-tom']);
    expect(mentionCandidates(team, '', 2)).toHaveLength(2);
  });
});
