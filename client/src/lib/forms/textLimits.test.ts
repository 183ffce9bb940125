import { describe, expect, it } from 'vitest';
import {
  countMessage,
  isNearLimit,
  lengthAfterInput,
  lengthErrors,
  sharedTextRefusal,
  tooLongMessage,
} from './textLimits.ts';
import { emptyActionForm, validateActionForm } from './actionForm.ts';
import { emptyGoalForm, validateGoalForm } from './goalForm.ts';
import { emptyPersonForm, validatePersonForm } from './personForm.ts';
import { validateStageForm } from './stageForm.ts';

const title = { max: 300, what: 'the action' };

describe('text limits', () => {
  it('says how much too long a field is, without cutting it', () => {
    expect(tooLongMessage(title, 412)).toBe('Shorten the action to 300 characters or fewer: it is 412');
    expect(lengthErrors({ title: 'a'.repeat(412), other: 'b'.repeat(999) }, { title })).toEqual({
      title: 'Shorten the action to 300 characters or fewer: it is 412',
    });
  });

  it('counts a field as it is saved, so spaces around it do not count', () => {
    expect(lengthErrors({ title: `  ${'a'.repeat(300)}  ` }, { title })).toEqual({});
    expect(lengthErrors({ title: 'a'.repeat(301) }, { title })).toEqual({
      title: 'Shorten the action to 300 characters or fewer: it is 301',
    });
  });

  it('shows the count near the limit, in the NHS words', () => {
    expect(isNearLimit(224, 300)).toBe(false);
    expect(isNearLimit(225, 300)).toBe(true);
    expect(countMessage(288, 300)).toBe('You have 12 characters remaining');
    expect(countMessage(299, 300)).toBe('You have 1 character remaining');
    expect(countMessage(300, 300)).toBe('You have 0 characters remaining');
    expect(countMessage(412, 300)).toBe('You have 112 characters too many');
    expect(countMessage(2_500, 10_000)).toBe('You have 7,500 characters remaining');
  });

  it('works out the length an input would leave, replacing what is selected', () => {
    expect(lengthAfterInput('abcdef', 6, 6, 'xyz')).toBe(9);
    expect(lengthAfterInput('abcdef', 1, 4, 'x')).toBe(4);
    expect(lengthAfterInput('abcdef', 4, 1, '')).toBe(3);
    expect(lengthAfterInput('abc', 10, 12, 'x')).toBe(4);
  });

  it('says why shared text was not added, with the count', () => {
    expect(sharedTextRefusal({ max: 10_000, what: 'Situation' }, 10_412)).toBe(
      'That was not added: it would make Situation 10,412 characters long, and 10,000 is the most it can hold. Shorten it or add less.',
    );
  });
});

describe('forms with a field too long to save', () => {
  const errorsOf = (result: { ok: boolean; errors?: object }) => (result.ok ? {} : result.errors);

  it('say by how much, in every form on the board', () => {
    expect(
      errorsOf(validateActionForm({ ...emptyActionForm('p1'), title: 'a'.repeat(412) }, [])),
    ).toMatchObject({
      title: 'Shorten the action to 300 characters or fewer: it is 412',
    });
    expect(errorsOf(validateGoalForm({ ...emptyGoalForm('p1'), statement: 'a'.repeat(600) }))).toMatchObject({
      statement: 'Shorten the goal to 500 characters or fewer: it is 600',
    });
    const person = {
      ...emptyPersonForm(),
      name: 'a'.repeat(121),
      risk: 'red' as const,
      riskReason: 'b'.repeat(501),
    };
    expect(errorsOf(validatePersonForm(person, []))).toEqual({
      name: 'Shorten the name to 120 characters or fewer: it is 121',
      riskReason: 'Shorten the reason to 500 characters or fewer: it is 501',
    });
    expect(errorsOf(validateStageForm({ name: 'a'.repeat(250), limit: '' }))).toEqual({
      name: 'Shorten the stage name to 80 characters or fewer: it is 250',
    });
  });
});
