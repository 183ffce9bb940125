import { actionChangeProblem, newActionProblem, type Action } from './action.ts';
import { newGoalProblem, type Goal } from './goal.ts';
import { stageRemovalProblem } from './pathway.ts';
import type { Person } from './person.ts';
import type { Actor, RecordRead } from './record.ts';
import { COLLECTIONS, RECORD_ID, type CollectionName } from './records.ts';

/**
 * The board's rules for a change to one record, whoever makes it and however it is made. The
 * browser's writes (BoardDocument) follow them by construction; the server checks every change a
 * connection sends against them, with the same validators, and undoes one that breaks a rule.
 */

/** What rules about other records need to know of the board, as it is after the change. */
export interface BoardFacts {
  hasPerson(id: string): boolean;
  /** A valid goal, for checking that an action's goal is its person's. */
  goal(id: string): Pick<Goal, 'personId'> | undefined;
  hasStage(id: string): boolean;
  /** People (archived ones too) whose record says they are at this stage. */
  peopleAtStage(stageId: string): number;
  /** Someone other than `exceptId` on the board with this NHS number. */
  personWithNhsNumber(nhsNumber: string, exceptId: string): { id: string; name: string } | undefined;
}

/** One record as a change left it: `before` or `after` is absent when it did not or no longer exists. */
export interface RecordChange {
  collection: CollectionName;
  id: string;
  before: RecordRead<unknown> | undefined;
  after: RecordRead<unknown> | undefined;
}

const NEVER_DELETED: Partial<Record<CollectionName, string>> = {
  people: 'People are archived with a reason, never deleted',
  actions: 'Actions are completed or cancelled, never deleted',
  goals: 'Goals are closed with a status, never deleted',
};

/** Set once, when the record is created. */
const CREATION_FIELDS = ['createdAt', 'createdBy', 'createdById'] as const;

/**
 * Why this change to a record breaks the board's rules, or null when it keeps them. `by` is the
 * signed-in person making it; `null` (a connection without a user, only in tests) skips the rules
 * about who may do what, and the schema and board rules still apply.
 */
export function recordChangeProblem(
  change: RecordChange,
  by: Actor | null,
  facts: BoardFacts,
): string | null {
  const { collection, id, before, after } = change;
  if (!after) {
    if (!before) return null;
    if (collection === 'pathwayStages') return stageRemovalProblem(facts.peopleAtStage(id));
    return NEVER_DELETED[collection] ?? null;
  }
  if (!before && !RECORD_ID.test(id))
    return `A new ${COLLECTIONS[collection].noun} needs an id of up to 64 letters, digits, - or _`;
  if (!after.ok) {
    // A record written wrongly before these rules may stay as it is, but no change may make it worse.
    const known = before && !before.ok ? before.problems : [];
    const added = after.problems.filter((p) => !known.includes(p));
    return before && !before.ok && added.length === 0 ? null : (added[0] ?? 'The record is not valid');
  }
  if (!before) {
    if (!RECORD_ID.test(id))
      return `A new ${COLLECTIONS[collection].noun} needs an id of up to 64 letters, digits, - or _`;
    const value = after.value as Record<string, unknown>;
    return newRecordProblem(collection, value, by) ?? linksProblem(collection, id, undefined, value, facts);
  }
  if (!before.ok)
    return linksProblem(collection, id, undefined, after.value as Record<string, unknown>, facts);
  const was = before.value as Record<string, unknown>;
  const now = after.value as Record<string, unknown>;
  for (const field of CREATION_FIELDS) {
    if (field in now && was[field] !== now[field])
      return 'When and by whom a record was created cannot be changed';
  }
  if (collection === 'actions' && by) {
    const problem = actionChangeProblem(before.value as Action, after.value as Action, by);
    if (problem) return problem;
  }
  return linksProblem(collection, id, was, now, facts);
}

function newRecordProblem(collection: CollectionName, value: unknown, by: Actor | null): string | null {
  if (!by) return null;
  if (collection === 'actions') return newActionProblem(value as Action, by);
  if (collection === 'goals') return newGoalProblem(value as Goal, by);
  return null;
}

/** Links to other records (checked when they change, so an old dangling link never blocks other edits). */
function linksProblem(
  collection: CollectionName,
  id: string,
  was: Record<string, unknown> | undefined,
  now: Record<string, unknown>,
  facts: BoardFacts,
): string | null {
  const changed = (field: string) => !was || was[field] !== now[field];
  if (collection === 'actions') {
    const action = now as Action;
    if (action.personId !== null && changed('personId') && !facts.hasPerson(action.personId))
      return 'The person this action is for is not on this board';
    if (action.goalId !== null && (changed('goalId') || changed('personId'))) {
      const goal = facts.goal(action.goalId);
      if (!goal) return 'The goal this action is linked to is not on this board';
      if (goal.personId !== action.personId)
        return 'An action can only be linked to a goal of its own person';
    }
  } else if (collection === 'goals') {
    const goal = now as Goal;
    if (changed('personId') && !facts.hasPerson(goal.personId))
      return 'The person this goal is for is not on this board';
  } else if (collection === 'people') {
    const person = now as Person;
    if (person.stageId !== null && changed('stageId') && !facts.hasStage(person.stageId))
      return 'That pathway stage is no longer on this board';
    if (person.nhsNumber !== null && changed('nhsNumber')) {
      const holder = facts.personWithNhsNumber(person.nhsNumber, id);
      if (holder) return `${holder.name} already has this NHS number on this board`;
    }
  }
  return null;
}
