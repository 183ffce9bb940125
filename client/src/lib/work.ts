import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { toCsv } from '#shared/csv';
import { ACTION_STATUSES, ACTION_STATUS_LABELS, type ActionStatus } from '#shared/board/action';
import {
  WORK_GROUPS,
  WORK_GROUP_LABELS,
  WORK_SCOPES,
  workGroupOf,
  type WorkGroup,
  type WorkItem,
  type WorkQuery,
  type WorkScope,
} from '#shared/work';

/** What My work shows: whose actions and its filters, kept in the address so a link shows the same. */
export interface WorkPageQuery {
  scope: WorkScope;
  board: string;
  person: string;
  status: ActionStatus | '';
}

const first = (value: LocationQuery[string] | undefined): string => {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : '';
};

export function workPageQueryFrom(query: LocationQuery): WorkPageQuery {
  const scope = first(query.scope);
  const status = first(query.status);
  return {
    scope: (WORK_SCOPES as readonly string[]).includes(scope) ? (scope as WorkScope) : 'mine',
    board: first(query.board),
    person: first(query.person),
    status: (ACTION_STATUSES as readonly string[]).includes(status) ? (status as ActionStatus) : '',
  };
}

/** The address query for `query`: only what differs from the default, so a plain link stays plain. */
export function routeQueryFromWork(query: WorkPageQuery): LocationQueryRaw {
  const raw: LocationQueryRaw = {};
  if (query.scope !== 'mine') raw.scope = query.scope;
  if (query.board) raw.board = query.board;
  if (query.person) raw.person = query.person;
  if (query.status) raw.status = query.status;
  return raw;
}

/** What to ask the server for. */
export function apiQueryFrom(query: WorkPageQuery): Partial<WorkQuery> {
  return {
    scope: query.scope,
    ...(query.board ? { board: query.board } : {}),
    ...(query.person ? { person: query.person } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
}

export function isWorkFiltered(query: WorkPageQuery): boolean {
  return query.board !== '' || query.person !== '' || query.status !== '';
}

export interface WorkSection {
  group: WorkGroup;
  label: string;
  items: WorkItem[];
}

/** The items in My work's groups on `today`, in the server's order (soonest due first); empty groups left out. */
export function workSections(items: readonly WorkItem[], today: string): WorkSection[] {
  const byGroup = new Map<WorkGroup, WorkItem[]>(WORK_GROUPS.map((group) => [group, []]));
  for (const item of items) byGroup.get(workGroupOf(item, today))!.push(item);
  return WORK_GROUPS.flatMap((group) => {
    const grouped = byGroup.get(group)!;
    return grouped.length > 0 ? [{ group, label: WORK_GROUP_LABELS[group], items: grouped }] : [];
  });
}

/** The people the items are for, by name, for the person filter. */
export function workPeople(items: readonly WorkItem[]): { id: string; name: string }[] {
  const people = new Map<string, string>();
  for (const item of items)
    if (item.person) people.set(item.person.id, item.person.name || item.person.initials);
  return [...people].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * My work as CSV: one row per action, grouped as on screen. People are named by initials only (a
 * file travels further than a screen).
 */
export function workCsv(items: readonly WorkItem[], today: string): string {
  return toCsv(
    [
      'Group',
      'Action',
      'Status',
      'Due date',
      'Person (initials)',
      'Board',
      'Owner',
      "Owner's organisation",
      'Proposed by',
    ],
    workSections(items, today).flatMap((section) =>
      section.items.map((item) => [
        section.label,
        item.title,
        item.status ? ACTION_STATUS_LABELS[item.status] : 'Needs attention',
        item.dueDate,
        item.person?.initials ?? '',
        item.boardName,
        item.owner.name,
        item.owner.organisationName ?? '',
        item.createdBy.name,
      ]),
    ),
  );
}
