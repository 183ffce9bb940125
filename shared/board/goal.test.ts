import { describe, expect, it } from 'vitest';
import { newAction } from './action.ts';
import { goalInputSchema, goalSchema, progressByGoal } from './goal.ts';
import { SHARED_TEXT_MAX } from './person.ts';
import { anActionFor, priya } from './testing.ts';

describe('goals', () => {
  it('need the person’s own words and start not started', () => {
    expect(goalInputSchema.parse({ personId: 'p1', statement: '  I want to walk to the shop ' })).toEqual({
      personId: 'p1',
      statement: 'I want to walk to the shop',
      status: 'not_started',
      targetDate: null,
      leadOrganisationId: null,
    });
    const bad = goalInputSchema.safeParse({
      personId: '',
      statement: '',
      status: 'done',
      targetDate: '2027-02-30',
    });
    expect(bad.error?.issues.map((i) => i.message)).toEqual([
      'Choose the person whose goal this is',
      'Write the goal in the person’s own words',
      'Choose a status',
      'Give a target date as YYYY-MM-DD',
    ]);
  });

  it('shows progress from linked actions, leaving cancelled ones out', () => {
    const action = (goalId: string | null, status: 'done' | 'accepted' | 'cancelled') => ({
      ...newAction(`a-${Math.random()}`, { ...anActionFor('p1'), goalId }, priya),
      status,
    });
    const progress = progressByGoal([
      action('g1', 'done'),
      action('g1', 'accepted'),
      action('g1', 'cancelled'),
      action('g2', 'accepted'),
      action(null, 'done'),
    ]);
    expect(Object.fromEntries(progress)).toEqual({ g1: { done: 1, total: 2 }, g2: { done: 0, total: 1 } });
  });
});

describe('goal notes', () => {
  const goal = {
    id: 'g1',
    personId: 'p1',
    statement: 'I want to walk to the shop',
    status: 'in_progress',
    createdAt: '2026-01-01T09:00:00.000Z',
    createdBy: 'Priya Shah',
  };

  it('hold up to 10,000 characters, and a longer note is refused with a message', () => {
    expect(goalSchema.safeParse({ ...goal, notes: 'a'.repeat(SHARED_TEXT_MAX) }).success).toBe(true);
    const result = goalSchema.safeParse({ ...goal, notes: 'a'.repeat(SHARED_TEXT_MAX + 1) });
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'Keep the notes to 10,000 characters or fewer',
    ]);
  });
});
