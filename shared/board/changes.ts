import { ACTION_STATUS_LABELS, isOpenAction, type Action } from './action.ts';
import { GOAL_STATUS_LABELS, type Goal } from './goal.ts';
import type { PathwayStageRecord } from './pathway.ts';
import { describeFrailty, PERSON_TEXT_FIELDS, SBAR_PARTS, type Person } from './person.ts';
import type { CollectionName } from './records.ts';

/*
 * What changed on a board between two of its states (a version and another, or a version and now),
 * as a team reads it at a handover: grouped by person, each change in words, text changes with the
 * text before and after. Worked out from the records alone; who made each change, and when, comes
 * from the audit trail (the server adds it).
 */

/** What kind of change, for icons, filters and tests. */
export type ChangeKind =
  | 'person-added'
  | 'person-archived'
  | 'person-returned'
  | 'person-details'
  | 'risk'
  | 'frailty'
  | 'text'
  | 'stage'
  | 'goal-added'
  | 'goal-status'
  | 'goal-changed'
  | 'action-created'
  | 'action-accepted'
  | 'action-reassigned'
  | 'action-completed'
  | 'action-status'
  | 'action-overdue'
  | 'action-changed';

export interface BoardChangeItem {
  kind: ChangeKind;
  recordType: CollectionName;
  recordId: string;
  /** The record's fields the change is about (for who and when from the trail). */
  fields: string[];
  /** In words: "Risk: Amber to Red", "Action created: Home visit". */
  summary: string;
  /** A text field's text before and after (what matters, SBAR, goal notes), for a text diff. */
  text?: { label: string; before: string; after: string };
  /** Who made it, by name, and when (from the audit trail; absent where it does not say). */
  by?: string | null;
  at?: string | null;
}

export interface PersonChanges {
  /** Null for changes that concern no one person (a pathway stage, an action for nobody). */
  personId: string | null;
  personName: string;
  changes: BoardChangeItem[];
}

/** One state of a board, as valid records with their ids. */
export interface BoardState {
  people: readonly (Person & { id: string })[];
  goals: readonly (Goal & { id: string })[];
  actions: readonly (Action & { id: string })[];
  stages: readonly PathwayStageRecord[];
}

const byId = <T extends { id: string }>(records: readonly T[]): Map<string, T> =>
  new Map(records.map((record) => [record.id, record]));

const TEXT_LABELS: Record<string, string> = {
  whatMatters: 'What matters to me',
  ...Object.fromEntries(SBAR_PARTS.map((part) => [part.field, `SBAR: ${part.label}`])),
  notes: 'Notes on outcomes',
};

const quote = (text: string): string => `“${text.length > 80 ? `${text.slice(0, 79)}…` : text}”`;
const RISK_WORDS = { red: 'Red', amber: 'Amber', green: 'Green' } as const;
const riskLabel = (risk: Person['risk']): string => (risk ? RISK_WORDS[risk] : 'Not rated');

function personChanges(before: Person | undefined, after: Person, stageName: (id: string | null) => string) {
  const changes: BoardChangeItem[] = [];
  const item = (kind: ChangeKind, fields: string[], summary: string, text?: BoardChangeItem['text']) =>
    changes.push({
      kind,
      recordType: 'people',
      recordId: after.id,
      fields,
      summary,
      ...(text ? { text } : {}),
    });
  if (!before) {
    // Everything about someone new is new: one entry says so.
    const risk = after.risk ? `, ${riskLabel(after.risk)} risk` : '';
    item('person-added', ['name'], `Added to the board${risk}`);
    return changes;
  }
  if (!before.archived && after.archived)
    item('person-archived', ['archived', 'archivedReason'], `Archived: ${after.archivedReason}`);
  if (before.archived && !after.archived) item('person-returned', ['archived'], 'Back on the board');
  if (before.name !== after.name) item('person-details', ['name'], `Name: ${before.name} to ${after.name}`);
  if (before.nhsNumber !== after.nhsNumber) item('person-details', ['nhsNumber'], 'NHS number changed');
  if (before.dateOfBirth !== after.dateOfBirth)
    item('person-details', ['dateOfBirth'], 'Date of birth changed');
  const was = before;
  if (was.risk !== after.risk || (after.risk && was.riskReason !== after.riskReason))
    item(
      'risk',
      ['risk', 'riskReason'],
      was.risk === after.risk
        ? `Risk ${riskLabel(after.risk)}, reason now: ${after.riskReason}`
        : `Risk: ${riskLabel(was.risk)} to ${riskLabel(after.risk)}${after.risk ? ` (${after.riskReason})` : ''}`,
    );
  if (was.frailtyScore !== after.frailtyScore)
    item(
      'frailty',
      ['frailtyScore'],
      `Clinical Frailty Scale: ${describeFrailty(was.frailtyScore)} to ${describeFrailty(after.frailtyScore)}`,
    );
  if (was.stageId !== after.stageId)
    item('stage', ['stageId'], `Pathway: ${stageName(was.stageId)} to ${stageName(after.stageId)}`);
  for (const field of PERSON_TEXT_FIELDS) {
    const old = before[field];
    if (old !== after[field])
      item('text', [field], `${TEXT_LABELS[field]} changed`, {
        label: TEXT_LABELS[field]!,
        before: old,
        after: after[field],
      });
  }
  return changes;
}

function goalChanges(before: Goal | undefined, after: Goal & { id: string }): BoardChangeItem[] {
  const item = (kind: ChangeKind, fields: string[], summary: string, text?: BoardChangeItem['text']) => ({
    kind,
    recordType: 'goals' as const,
    recordId: after.id,
    fields,
    summary,
    ...(text ? { text } : {}),
  });
  if (!before) return [item('goal-added', ['statement'], `Goal added: ${quote(after.statement)}`)];
  const changes: BoardChangeItem[] = [];
  if (before.status !== after.status)
    changes.push(
      item(
        'goal-status',
        ['status'],
        `Goal ${quote(after.statement)}: ${GOAL_STATUS_LABELS[before.status]} to ${GOAL_STATUS_LABELS[after.status]}`,
      ),
    );
  if (before.statement !== after.statement)
    changes.push(
      item(
        'goal-changed',
        ['statement'],
        `Goal reworded: ${quote(before.statement)} to ${quote(after.statement)}`,
      ),
    );
  if (before.targetDate !== after.targetDate)
    changes.push(item('goal-changed', ['targetDate'], `Goal ${quote(after.statement)}: target date changed`));
  if (before.notes !== after.notes)
    changes.push(
      item('goal-changed', ['notes'], `Goal ${quote(after.statement)}: notes changed`, {
        label: `Notes on ${quote(after.statement)}`,
        before: before.notes,
        after: after.notes,
      }),
    );
  return changes;
}

/**
 * What happened to an action: created, accepted, reassigned, completed, another status, overdue (open
 * and due before `today`, and not overdue before: open and due before `then`), or other details.
 */
function actionChanges(
  before: Action | undefined,
  after: Action & { id: string },
  then: string,
  today: string,
): BoardChangeItem[] {
  const item = (kind: ChangeKind, fields: string[], summary: string): BoardChangeItem => ({
    kind,
    recordType: 'actions',
    recordId: after.id,
    fields,
    summary,
  });
  const title = quote(after.title);
  const changes: BoardChangeItem[] = [];
  if (!before)
    changes.push(item('action-created', ['title'], `Action created: ${title}, owner ${after.ownerName}`));
  else {
    if (before.ownerId !== after.ownerId || before.ownerName !== after.ownerName)
      changes.push(
        item(
          'action-reassigned',
          ['ownerId', 'ownerName'],
          `Action ${title} reassigned: ${before.ownerName} to ${after.ownerName}`,
        ),
      );
    if (before.status !== after.status) {
      const kind: ChangeKind =
        after.status === 'accepted'
          ? 'action-accepted'
          : after.status === 'done'
            ? 'action-completed'
            : 'action-status';
      const words =
        kind === 'action-accepted'
          ? `Action ${title} accepted by ${after.ownerName}`
          : kind === 'action-completed'
            ? `Action ${title} completed`
            : `Action ${title}: ${ACTION_STATUS_LABELS[before.status]} to ${ACTION_STATUS_LABELS[after.status]}`;
      changes.push(item(kind, ['status'], words));
    }
    if (before.title !== after.title)
      changes.push(item('action-changed', ['title'], `Action renamed: ${quote(before.title)} to ${title}`));
    if (before.dueDate !== after.dueDate)
      changes.push(
        item('action-changed', ['dueDate'], `Action ${title}: due ${before.dueDate} to ${after.dueDate}`),
      );
  }
  const overdueNow = isOpenAction(after) && after.dueDate < today;
  const overdueThen = before !== undefined && isOpenAction(before) && before.dueDate < then;
  if (overdueNow && !overdueThen)
    changes.push(
      item('action-overdue', ['dueDate', 'status'], `Action ${title} is overdue (due ${after.dueDate})`),
    );
  return changes;
}

/**
 * What changed from `before` (saved on the day `then`, `YYYY-MM-DD`) to `after` (as on `today`),
 * grouped by person in the order of `after`'s people by name; people's own changes first in each
 * group, then their goals', then their actions'. Changes that concern nobody come last.
 */
export function boardChanges(
  before: BoardState,
  after: BoardState,
  then: string,
  today: string,
): PersonChanges[] {
  const stages = new Map([...before.stages, ...after.stages].map((stage) => [stage.id, stage.name]));
  const stageName = (id: string | null): string =>
    id === null ? 'not on the pathway' : (stages.get(id) ?? 'a stage since removed');
  const groups = new Map<string | null, BoardChangeItem[]>();
  const add = (personId: string | null, items: BoardChangeItem[]) => {
    if (items.length === 0) return;
    groups.set(personId, [...(groups.get(personId) ?? []), ...items]);
  };
  const peopleBefore = byId(before.people);
  for (const person of after.people)
    add(person.id, personChanges(peopleBefore.get(person.id), person, stageName));
  const goalsBefore = byId(before.goals);
  for (const goal of after.goals) add(goal.personId, goalChanges(goalsBefore.get(goal.id), goal));
  const actionsBefore = byId(before.actions);
  for (const action of after.actions)
    add(action.personId, actionChanges(actionsBefore.get(action.id), action, then, today));
  const stagesBefore = byId(before.stages);
  const afterStages = byId(after.stages);
  for (const stage of after.stages) {
    const was = stagesBefore.get(stage.id);
    if (!was)
      add(null, [
        {
          kind: 'stage',
          recordType: 'pathwayStages',
          recordId: stage.id,
          fields: ['name'],
          summary: `Pathway stage added: ${stage.name}`,
        },
      ]);
    else if (was.name !== stage.name)
      add(null, [
        {
          kind: 'stage',
          recordType: 'pathwayStages',
          recordId: stage.id,
          fields: ['name'],
          summary: `Pathway stage renamed: ${was.name} to ${stage.name}`,
        },
      ]);
  }
  for (const stage of before.stages)
    if (!afterStages.has(stage.id))
      add(null, [
        {
          kind: 'stage',
          recordType: 'pathwayStages',
          recordId: stage.id,
          fields: ['name'],
          summary: `Pathway stage removed: ${stage.name}`,
        },
      ]);

  const peopleAfter = byId(after.people);
  const named = (personId: string | null): string =>
    personId === null
      ? 'Not about one person'
      : (peopleAfter.get(personId)?.name ??
        peopleBefore.get(personId)?.name ??
        'Someone no longer on the board');
  return [...groups]
    .map(([personId, changes]) => ({ personId, personName: named(personId), changes }))
    .sort(
      (a, b) =>
        Number(a.personId === null) - Number(b.personId === null) || a.personName.localeCompare(b.personName),
    );
}
