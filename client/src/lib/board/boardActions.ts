import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { toCsv } from '#shared/csv';
import { initialsOf } from '#shared/work';
import {
  ACTION_STATUSES,
  ACTION_STATUS_LABELS,
  isOverdue,
  type Action,
  type ActionStatus,
} from '#shared/board/action';
import { byDueDate, compareNames } from './boardIndex.ts';

/** How the Actions view splits the board into swimlanes. */
export const ACTION_GROUPINGS = ['none', 'organisation', 'person'] as const;
export type ActionGrouping = (typeof ACTION_GROUPINGS)[number];

/** What the Actions view shows: its filters and swimlanes, kept in the address so a link can be shared. */
export interface ActionsQuery {
  mine: boolean;
  overdue: boolean;
  organisationId: string;
  personId: string;
  groupBy: ActionGrouping;
}

const first = (value: LocationQuery[string] | undefined): string => {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : '';
};

export function actionsQueryFrom(query: LocationQuery): ActionsQuery {
  const groupBy = first(query.group);
  return {
    mine: first(query.mine) === '1',
    overdue: first(query.overdue) === '1',
    organisationId: first(query.organisation),
    personId: first(query.person),
    groupBy: (ACTION_GROUPINGS as readonly string[]).includes(groupBy) ? (groupBy as ActionGrouping) : 'none',
  };
}

/** The address query for `query`: only what differs from the default, so a plain link stays plain. */
export function routeQueryFrom(query: ActionsQuery): LocationQueryRaw {
  const raw: LocationQueryRaw = {};
  if (query.mine) raw.mine = '1';
  if (query.overdue) raw.overdue = '1';
  if (query.organisationId) raw.organisation = query.organisationId;
  if (query.personId) raw.person = query.personId;
  if (query.groupBy !== 'none') raw.group = query.groupBy;
  return raw;
}

export function isFiltered(query: ActionsQuery): boolean {
  return query.mine || query.overdue || query.organisationId !== '' || query.personId !== '';
}

/** The actions `query` lets through, in the order given. */
export function filterActions(
  actions: readonly Action[],
  query: ActionsQuery,
  actorId: string | null,
  today: string,
): Action[] {
  if (!isFiltered(query)) return [...actions];
  return actions.filter(
    (action) =>
      (!query.mine || (actorId !== null && action.ownerId === actorId)) &&
      (!query.overdue || isOverdue(action, today)) &&
      (!query.organisationId || action.ownerOrganisationId === query.organisationId) &&
      (!query.personId || action.personId === query.personId),
  );
}

export type ActionColumns = Record<ActionStatus, Action[]>;

/** One swimlane: a set of status columns for one organisation or person (or everything). */
export interface ActionLane {
  /** '' for the single lane when nothing is grouped. */
  key: string;
  name: string;
  total: number;
  columns: ActionColumns;
}

/** Latest first: what was done most recently, then by due date. */
function byMostRecent(a: Action, b: Action): number {
  return (b.completedAt ?? '').localeCompare(a.completedAt ?? '') || -byDueDate(a, b);
}

/**
 * Splits actions into status columns: open ones soonest due first, done and cancelled ones most
 * recent first (those are the columns that grow for ever).
 */
export function intoColumns(actions: readonly Action[]): ActionColumns {
  const columns = Object.fromEntries(ACTION_STATUSES.map((s) => [s, [] as Action[]])) as ActionColumns;
  for (const action of actions) columns[action.status].push(action);
  for (const status of ACTION_STATUSES) {
    columns[status].sort(status === 'done' || status === 'cancelled' ? byMostRecent : byDueDate);
  }
  return columns;
}

/**
 * Swimlanes by the owner's organisation or by the person, alphabetical, with what has no name
 * (an unknown organisation, no person) last; or one lane of everything.
 */
export function intoLanes(
  actions: readonly Action[],
  grouping: ActionGrouping,
  names: { organisation: (id: string) => string; person: (id: string) => string | undefined },
): ActionLane[] {
  if (grouping === 'none')
    return [{ key: '', name: 'All actions', total: actions.length, columns: intoColumns(actions) }];
  const groups = new Map<string, Action[]>();
  for (const action of actions) {
    const key = grouping === 'organisation' ? action.ownerOrganisationId : (action.personId ?? '');
    const group = groups.get(key);
    if (group) group.push(action);
    else groups.set(key, [action]);
  }
  const lanes = [...groups].map(([key, members]) => ({
    key,
    name:
      grouping === 'organisation'
        ? names.organisation(key)
        : key
          ? (names.person(key) ?? 'A person no longer on the board')
          : 'Not for a named person',
    total: members.length,
    columns: intoColumns(members),
  }));
  return lanes.sort((a, b) => Number(a.key === '') - Number(b.key === '') || compareNames(a.name, b.name));
}

/**
 * A board's actions (as filtered on screen) as CSV, one row each. People are named by initials only
 * (a file travels further than a screen).
 */
export function actionsCsv(
  actions: readonly Action[],
  names: { organisation: (id: string) => string; person: (id: string) => string | undefined },
): string {
  return toCsv(
    ['Action', 'Status', 'Due date', 'Person (initials)', 'Owner', "Owner's organisation", 'Proposed by'],
    actions.map((action) => {
      const person = action.personId ? names.person(action.personId) : undefined;
      return [
        action.title,
        ACTION_STATUS_LABELS[action.status],
        action.dueDate,
        person ? initialsOf(person) : '',
        action.ownerName,
        names.organisation(action.ownerOrganisationId),
        action.createdBy,
      ];
    }),
  );
}
