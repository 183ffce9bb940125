import { z } from 'zod';
import type { Action } from './action.ts';
import { calendarDate, recordId, timestamp, type Actor } from './record.ts';

export const GOAL_STATUSES = ['not_started', 'in_progress', 'achieved', 'not_achieved', 'changed'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const GOAL_STATUS_LABELS: Record<GoalStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  achieved: 'Achieved',
  not_achieved: 'Not achieved',
  changed: 'Changed',
};

export const GOAL_STATEMENT_MAX = 500;

/** The goal's fields people type together: Y.Text in the document, strings when read. */
export const GOAL_TEXT_FIELDS = ['notes'] as const;
export type GoalTextField = (typeof GOAL_TEXT_FIELDS)[number];

const fields = {
  personId: recordId('Choose the person whose goal this is'),
  /** In the person's own words: "I want to get back to my allotment". */
  statement: z
    .string({ error: 'Write the goal in the person’s own words' })
    .trim()
    .min(1, 'Write the goal in the person’s own words')
    .max(GOAL_STATEMENT_MAX, `Keep the goal to ${GOAL_STATEMENT_MAX} characters or fewer`),
  status: z.enum(GOAL_STATUSES, { error: 'Choose a status' }),
  targetDate: calendarDate('a target date').nullable().default(null),
  leadOrganisationId: z.string().min(1).max(128).nullable().default(null),
};

/** A shared, person-centred goal. `notes` holds outcomes that numbers do not capture. */
export const goalSchema = z.object({
  id: z.string().min(1),
  ...fields,
  notes: z.string().default(''),
  createdAt: timestamp,
  createdBy: z.string(),
  createdById: z.string().nullable().default(null),
});
export type Goal = z.infer<typeof goalSchema>;

export const goalInputSchema = z.object({ ...fields, status: fields.status.default('not_started') });
export type GoalInput = z.input<typeof goalInputSchema>;

/** Why a goal `by` adds breaks the board's rules, or null. */
export function newGoalProblem(goal: Goal, by: Actor): string | null {
  return goal.createdById === by.id ? null : 'A goal is added in the name of the person adding it';
}

/** Fields a person may change on an existing goal (notes are typed together, through the text binding). */
export type GoalPatch = Partial<Pick<Goal, 'statement' | 'status' | 'targetDate' | 'leadOrganisationId'>>;
export const goalPatchSchema = z.object(fields).partial();

/** How far the actions linked to a goal have got; cancelled actions do not count. */
export interface GoalProgress {
  done: number;
  total: number;
}

/** Every goal's progress, from one pass over the board's actions. */
export function progressByGoal(actions: readonly Action[]): Map<string, GoalProgress> {
  const progress = new Map<string, GoalProgress>();
  for (const action of actions) {
    if (!action.goalId || action.status === 'cancelled') continue;
    const entry = progress.get(action.goalId) ?? { done: 0, total: 0 };
    entry.total += 1;
    if (action.status === 'done') entry.done += 1;
    progress.set(action.goalId, entry);
  }
  return progress;
}
