import { describe, expect, it } from 'vitest';
import { mentionedIn } from '#shared/board/comment';
import {
  commentDate,
  commentParts,
  commentTime,
  commentsLabel,
  matchesMessage,
  withMention,
} from './comments.ts';

const tom = { id: 'tom', name: 'Dr Tom Reid' };
const sam = { id: 'sam', name: 'Sam' };
const samJones = { id: 'sam-jones', name: 'Sam Jones' };
const team = [tom, sam, samJones];

const mentions = (text: string): string[] =>
  commentParts(text, team).flatMap((part) => (part.mention ? [part.mention.id] : []));

describe('a comment split into text and mentions', () => {
  it('picks out each team member’s @name, keeping every character of the text', () => {
    const text = 'Respite booked for Thursday, @Dr Tom Reid can you confirm meds?\nThanks @sam jones.';
    const parts = commentParts(text, team);
    expect(parts).toEqual([
      { text: 'Respite booked for Thursday, ', mention: null },
      { text: '@Dr Tom Reid', mention: tom },
      { text: ' can you confirm meds?\nThanks ', mention: null },
      { text: '@sam jones', mention: samJones },
      { text: '.', mention: null },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('finds the same people as the board’s rules do', () => {
    for (const text of [
      '@Sam Jones and @Sam',
      'mail sam@Sam Jones.example',
      '@Samantha is not Sam',
      '@Dr Tom Reid@Sam',
      '@',
      '',
    ]) {
      expect(mentions(text)).toEqual(expect.arrayContaining(mentionedIn(text, team)));
      expect(new Set(mentions(text))).toEqual(new Set(mentionedIn(text, team)));
    }
  });

  it('leaves text with no mentions (or markup) as one plain part', () => {
    expect(commentParts('<b>not bold</b> @nobody', team)).toEqual([
      { text: '<b>not bold</b> @nobody', mention: null },
    ]);
    expect(commentParts('', team)).toEqual([]);
  });
});

describe('picking someone from the mention list', () => {
  it('puts their full name in place of what was typed, with a space, and the caret after it', () => {
    expect(withMention('Thanks @to', 7, 10, 'Dr Tom Reid')).toEqual({
      text: 'Thanks @Dr Tom Reid ',
      caret: 20,
    });
    expect(withMention('@to can you', 0, 3, 'Dr Tom Reid')).toEqual({
      text: '@Dr Tom Reid can you',
      caret: 13,
    });
  });
});

describe('words for counts and times', () => {
  it('counts comments and matches', () => {
    expect(commentsLabel(1)).toBe('1 comment');
    expect(commentsLabel(3)).toBe('3 comments');
    expect(matchesMessage(0)).toBe('Nobody in the team matches');
    expect(matchesMessage(1)).toBe('1 person matches');
    expect(matchesMessage(4)).toBe('4 people match');
  });

  it('says when a comment was written, nearer times in fewer words', () => {
    const now = new Date('2026-11-22T15:00:00Z');
    expect(commentTime('2026-11-22T09:05:00Z', now, 'UTC')).toBe('Today at 09:05');
    expect(commentTime('2026-11-21T23:59:00Z', now, 'UTC')).toBe('Yesterday at 23:59');
    expect(commentTime('2026-11-03T14:30:00Z', now, 'UTC')).toBe('3 November at 14:30');
    expect(commentTime('2025-12-31T08:00:00Z', now, 'UTC')).toBe('31 December 2025 at 08:00');
    // In London's summer time, a minute past midnight UTC is already the next day.
    expect(commentTime('2026-07-01T23:01:00Z', new Date('2026-07-02T10:00:00Z'), 'Europe/London')).toBe(
      'Today at 00:01',
    );
    expect(commentTime('not a time', now, 'UTC')).toBe('not a time');
  });

  it('gives the full date for a withdrawn comment', () => {
    expect(commentDate('2026-11-22T09:05:00Z', 'UTC')).toBe('22 November 2026 at 09:05');
  });
});
