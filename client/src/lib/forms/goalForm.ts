import { GOAL_STATEMENT_MAX, goalInputSchema, type Goal } from '#shared/board/goal';
import { isCalendarDate, todayIsoDate } from '#shared/board/record';
import { fieldErrors, type FieldErrors } from './formErrors.ts';
import { lengthErrors, type TextLimit } from './textLimits.ts';

/** What the goal form holds: strings, as the inputs give them. */
export interface GoalFormValues {
  personId: string;
  statement: string;
  targetDate: string;
  leadOrganisationId: string;
}

export type GoalFormField = keyof GoalFormValues;

/** The order errors are listed in, matching the order of the fields on screen. */
export const GOAL_FORM_FIELDS: GoalFormField[] = [
  'personId',
  'statement',
  'targetDate',
  'leadOrganisationId',
];

/** The typed fields' limits, for the character count and the message when one is too long. */
export const GOAL_TEXT_LIMITS: Partial<Record<GoalFormField, TextLimit>> = {
  statement: { max: GOAL_STATEMENT_MAX, what: 'the goal' },
};

export function emptyGoalForm(personId = ''): GoalFormValues {
  return { personId, statement: '', targetDate: '', leadOrganisationId: '' };
}

export function goalFormFrom(goal: Goal): GoalFormValues {
  return {
    personId: goal.personId,
    statement: goal.statement,
    targetDate: goal.targetDate ?? '',
    leadOrganisationId: goal.leadOrganisationId ?? '',
  };
}

/** The valid form: a new goal's fields (`GoalInput`), or, without `personId`, the patch of an edit. */
export type ValidGoal = Pick<Goal, 'personId' | 'statement' | 'targetDate' | 'leadOrganisationId'>;

export type GoalFormResult =
  { ok: true; goal: ValidGoal } | { ok: false; errors: FieldErrors<GoalFormField> };

export interface GoalFormContext {
  /** Organisations a goal can be led by; when the list has not loaded (empty) any id is accepted. */
  organisationIds?: readonly string[];
  /** The goal being changed: its lead organisation stays acceptable even if it has left the list. */
  current?: Pick<Goal, 'leadOrganisationId'>;
  /** Today (`YYYY-MM-DD`): a new goal's target date cannot be before it. */
  today?: string;
}

/**
 * Checks the form with the board's own goal schema, field by field, plus what only a form knows: a
 * new goal is not given a target date that has already passed (an existing goal keeps one, and
 * shows it as overdue), and the lead organisation is one the team knows.
 */
export function validateGoalForm(values: GoalFormValues, context: GoalFormContext = {}): GoalFormResult {
  const { organisationIds = [], current, today = todayIsoDate() } = context;
  const parsed = goalInputSchema.safeParse({
    personId: values.personId,
    statement: values.statement,
    targetDate: values.targetDate || null,
    leadOrganisationId: values.leadOrganisationId || null,
  });
  const errors: FieldErrors<GoalFormField> = parsed.success
    ? {}
    : fieldErrors(parsed.error.issues, GOAL_FORM_FIELDS).errors;
  if (errors.targetDate || (values.targetDate && !isCalendarDate(values.targetDate))) {
    errors.targetDate = 'Enter a real target date, or leave it empty';
  } else if (!current && values.targetDate && values.targetDate < today) {
    errors.targetDate = 'The target date must be today or later';
  }
  Object.assign(errors, lengthErrors(values, GOAL_TEXT_LIMITS));
  const lead = values.leadOrganisationId;
  if (
    lead &&
    organisationIds.length > 0 &&
    !organisationIds.includes(lead) &&
    lead !== current?.leadOrganisationId
  ) {
    errors.leadOrganisationId = 'Choose the lead organisation from the list';
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const { personId, statement, targetDate, leadOrganisationId } = parsed.data;
  return { ok: true, goal: { personId, statement, targetDate, leadOrganisationId } };
}

/** Goals still being worked towards; the others have an outcome (achieved, not achieved, changed). */
export function isOpenGoal(goal: Pick<Goal, 'status'>): boolean {
  return goal.status === 'not_started' || goal.status === 'in_progress';
}

/** Whether a goal's target date has passed while it is still being worked towards. */
export function isGoalOverdue(goal: Pick<Goal, 'status' | 'targetDate'>, today: string): boolean {
  return goal.targetDate !== null && goal.targetDate < today && isOpenGoal(goal);
}
