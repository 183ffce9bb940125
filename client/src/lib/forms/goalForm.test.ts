import { describe, expect, it } from 'vitest';
import {
  emptyGoalForm,
  goalFormFrom,
  isGoalOverdue,
  validateGoalForm,
  type GoalFormValues,
} from './goalForm.ts';
import type { Goal } from '#shared/board/goal';

const today = '2026-03-10';
const form = (values: Partial<GoalFormValues>): GoalFormValues => ({
  ...emptyGoalForm('person-1'),
  ...values,
});

const goal: Goal = {
  id: 'goal-1',
  personId: 'person-1',
  statement: 'I want to get back to my allotment',
  status: 'in_progress',
  targetDate: '2026-03-01',
  leadOrganisationId: 'org-gone',
  notes: '',
  createdAt: '2026-01-01T09:00:00.000Z',
  createdBy: 'Grace Okafor',
  createdById: 'demo-grace-okafor',
};

describe('validateGoalForm', () => {
  it('accepts a goal in the person’s words, trimmed, with empty optional fields as null', () => {
    const result = validateGoalForm(form({ statement: '  I want to walk to the shop  ' }), { today });
    expect(result).toEqual({
      ok: true,
      goal: {
        personId: 'person-1',
        statement: 'I want to walk to the shop',
        targetDate: null,
        leadOrganisationId: null,
      },
    });
  });

  it('asks for the statement and the person, in the schema’s words', () => {
    const result = validateGoalForm(emptyGoalForm(), { today });
    expect(result).toEqual({
      ok: false,
      errors: {
        personId: 'Choose the person whose goal this is',
        statement: 'Write the goal in the person’s own words',
      },
    });
  });

  it('refuses a statement over 500 characters', () => {
    const result = validateGoalForm(form({ statement: 'a'.repeat(501) }), { today });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.statement).toBe('Shorten the goal to 500 characters or fewer: it is 501');
    }
  });

  it('refuses a date that is not on the calendar', () => {
    const result = validateGoalForm(form({ statement: 'Walk again', targetDate: '2026-02-30' }), { today });
    expect(result).toEqual({
      ok: false,
      errors: { targetDate: 'Enter a real target date, or leave it empty' },
    });
  });

  it('refuses a new goal whose target date has passed, but lets an existing goal keep one', () => {
    const values = form({ statement: 'Walk again', targetDate: '2026-03-09' });
    expect(validateGoalForm(values, { today })).toEqual({
      ok: false,
      errors: { targetDate: 'The target date must be today or later' },
    });
    expect(validateGoalForm({ ...values, targetDate: today }, { today }).ok).toBe(true);
    expect(validateGoalForm(values, { today, current: goal }).ok).toBe(true);
  });

  it('takes the lead organisation from the list, keeping the one an existing goal already has', () => {
    const organisationIds = ['org-a', 'org-b'];
    const values = form({ statement: 'Walk again', leadOrganisationId: 'org-gone' });
    expect(validateGoalForm(values, { today, organisationIds })).toEqual({
      ok: false,
      errors: { leadOrganisationId: 'Choose the lead organisation from the list' },
    });
    expect(validateGoalForm(values, { today, organisationIds, current: goal }).ok).toBe(true);
    expect(validateGoalForm({ ...values, leadOrganisationId: 'org-b' }, { today, organisationIds }).ok).toBe(
      true,
    );
    // Before the organisations have loaded, any id is accepted.
    expect(validateGoalForm(values, { today }).ok).toBe(true);
  });

  it('fills the form from a goal', () => {
    expect(goalFormFrom({ ...goal, targetDate: null, leadOrganisationId: null })).toEqual({
      personId: 'person-1',
      statement: 'I want to get back to my allotment',
      targetDate: '',
      leadOrganisationId: '',
    });
  });
});

describe('isGoalOverdue', () => {
  it('is overdue only while the goal is worked towards and its date has passed', () => {
    expect(isGoalOverdue(goal, today)).toBe(true);
    expect(isGoalOverdue({ ...goal, status: 'not_started' }, today)).toBe(true);
    expect(isGoalOverdue({ ...goal, targetDate: today }, today)).toBe(false);
    expect(isGoalOverdue({ ...goal, targetDate: null }, today)).toBe(false);
    for (const status of ['achieved', 'not_achieved', 'changed'] as const) {
      expect(isGoalOverdue({ ...goal, status }, today)).toBe(false);
    }
  });
});
