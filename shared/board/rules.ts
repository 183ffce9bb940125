import { actionChangeProblem, newActionProblem, type Action } from './action.ts';
import { commentChangeProblem, newCommentProblem, type Comment } from './comment.ts';
import { newGoalProblem, type Goal } from './goal.ts';
import { stageRemovalProblem } from './pathway.ts';
import { NhsNumberTakenError, type NhsNumberHolder, type Person } from './person.ts';
import type { Actor, RecordRead } from './record.ts';
import { COLLECTIONS, RECORD_ID, type CollectionName } from './records.ts';
import {
  MEETING_COLLECTIONS,
  meetingChangeProblem,
  type MeetingCollection,
  type MeetingFacts,
} from './meetings/meetingRules.ts';

/**
 * The board's rules for a change to one record, whoever makes it and however it is made. The
 * browser's writes (BoardDocument) follow them by construction; the server checks every change a
 * connection sends against them, with the same validators, and undoes one that breaks a rule.
 */

/** What rules about other records need to know of the board, as it is after the change. */
export interface BoardFacts extends MeetingFacts {
  hasPerson(id: string): boolean;
  hasAction(id: string): boolean;
  /** A valid goal, for checking that an action's goal is its person's. */
  goal(id: string): Pick<Goal, 'personId'> | undefined;
  hasStage(id: string): boolean;
  /** People (archived ones too) whose record says they are at this stage. */
  peopleAtStage(stageId: string): number;
  /** Someone other than `exceptId` on the board with this NHS number (archived people too). */
  personWithNhsNumber(nhsNumber: string, exceptId: string): NhsNumberHolder | undefined;
}

/**
 * Who made a record and who set each of its fields' current values. A change to a document can carry
 * several people's work (a browser's offline edits arrive with what it received before), so rules
 * about who may do what ask about the person behind each part. Null: the server, or not known; the
 * rule about that person is then not applied.
 */
export interface RecordAuthors {
  creator: Actor | null;
  of(field: string): Actor | null;
}

/** One person behind every part of a change (a browser's own edit). */
export const authoredBy = (by: Actor | null): RecordAuthors => ({ creator: by, of: () => by });

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
  comments: 'Comments are withdrawn, never deleted',
};

/** Set once, when the record is created. */
const CREATION_FIELDS = ['createdAt', 'createdBy', 'createdById'] as const;

/**
 * Why this change to a record breaks the board's rules, or null when it keeps them. `authors` says
 * who is behind each part of it; the schema and the board's rules apply whoever made it.
 */
export function recordChangeProblem(
  change: RecordChange,
  authors: RecordAuthors,
  facts: BoardFacts,
): string | null {
  const { collection, id, before, after } = change;
  if (isMeetingCollection(collection)) {
    if (after && !after.ok) return after.problems[0] ?? 'The record is not valid';
    if (!before && !RECORD_ID.test(id))
      return `A new ${COLLECTIONS[collection].noun} needs an id of up to 64 letters, digits, - or _`;
    const plain = (read: RecordRead<unknown> | undefined) =>
      read ? ((read.ok ? read.value : read.raw) as Record<string, unknown>) : undefined;
    return meetingChangeProblem(
      collection,
      id,
      plain(before),
      plain(after),
      authors.creator,
      authors.of,
      facts,
    );
  }
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
    return (
      newRecordProblem(collection, value, authors) ?? linksProblem(collection, id, undefined, value, facts)
    );
  }
  if (!before.ok)
    return linksProblem(collection, id, undefined, after.value as Record<string, unknown>, facts);
  const was = before.value as Record<string, unknown>;
  const now = after.value as Record<string, unknown>;
  for (const field of CREATION_FIELDS) {
    if (field in now && was[field] !== now[field])
      return 'When and by whom a record was created cannot be changed';
  }
  if (collection === 'actions') {
    const problem = actionChangeProblem(
      before.value as Action,
      after.value as Action,
      authors.of('status'),
      authors.of('ownerId'),
    );
    if (problem) return problem;
  }
  if (collection === 'comments') {
    const problem = commentChangeProblem(before.value as Comment, after.value as Comment, authors.of);
    if (problem) return problem;
  }
  return linksProblem(collection, id, was, now, facts);
}

function isMeetingCollection(collection: CollectionName): collection is MeetingCollection {
  return (MEETING_COLLECTIONS as readonly string[]).includes(collection);
}

function newRecordProblem(collection: CollectionName, value: unknown, authors: RecordAuthors): string | null {
  if (collection === 'actions')
    return newActionProblem(value as Action, authors.creator, authors.of('status'));
  if (collection === 'goals') return newGoalProblem(value as Goal, authors.creator);
  if (collection === 'comments') return newCommentProblem(value as Comment, authors.creator, authors.of);
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
  } else if (collection === 'comments') {
    const comment = now as Comment;
    const onAction = comment.subjectType === 'actions';
    const exists = onAction ? facts.hasAction(comment.subjectId) : facts.hasPerson(comment.subjectId);
    if (changed('subjectId') && !exists)
      return `The ${onAction ? 'action' : 'person'} this comment is on is not on this board`;
  } else if (collection === 'people') {
    const person = now as Person;
    if (person.stageId !== null && changed('stageId') && !facts.hasStage(person.stageId))
      return 'That pathway stage is no longer on this board';
    if (person.nhsNumber !== null && changed('nhsNumber')) {
      const holder = facts.personWithNhsNumber(person.nhsNumber, id);
      if (holder) return new NhsNumberTakenError(holder).message;
    }
  }
  return null;
}
