import { describe, expect, it } from 'vitest';
import type { Action } from '#shared/board/action';
import {
  actionsQueryFrom,
  filterActions,
  intoColumns,
  intoLanes,
  routeQueryFrom,
  type ActionsQuery,
} from './boardActions.ts';

const today = '2026-03-10';
let next = 0;
const action = (fields: Partial<Action>): Action => {
  next += 1;
  return {
    id: `action-${next}`,
    title: `Action ${next}`,
    ownerId: 'grace',
    ownerName: 'Grace Okafor',
    ownerOrganisationId: 'community',
    dueDate: '2026-04-01',
    status: 'accepted',
    personId: 'ada',
    goalId: null,
    createdAt: `2026-01-01T09:00:0${next % 10}.000Z`,
    createdBy: 'Grace Okafor',
    createdById: 'grace',
    completedAt: null,
    ...fields,
  };
};
const none: ActionsQuery = { mine: false, overdue: false, organisationId: '', personId: '', groupBy: 'none' };

describe('the Actions view query', () => {
  it('reads what the address holds and ignores what it does not understand', () => {
    expect(actionsQueryFrom({})).toEqual(none);
    expect(
      actionsQueryFrom({
        mine: '1',
        overdue: '0',
        organisation: 'elm-tree',
        person: ['ada', 'bert'],
        group: 'person',
      }),
    ).toEqual({ mine: true, overdue: false, organisationId: 'elm-tree', personId: 'ada', groupBy: 'person' });
    expect(actionsQueryFrom({ group: 'colour' }).groupBy).toBe('none');
  });

  it('writes only what differs from showing everything, and reads back the same', () => {
    expect(routeQueryFrom(none)).toEqual({});
    const query: ActionsQuery = {
      mine: true,
      overdue: true,
      organisationId: 'asc',
      personId: '',
      groupBy: 'organisation',
    };
    const raw = routeQueryFrom(query);
    expect(raw).toEqual({ mine: '1', overdue: '1', organisation: 'asc', group: 'organisation' });
    expect(actionsQueryFrom(raw as Record<string, string>)).toEqual(query);
  });
});

describe('filterActions', () => {
  const mine = action({ ownerId: 'grace' });
  const lucys = action({
    ownerId: 'lucy',
    ownerOrganisationId: 'asc',
    dueDate: '2026-03-01',
    status: 'proposed',
  });
  const doneLate = action({ ownerId: 'lucy', dueDate: '2026-01-01', status: 'done', personId: 'bert' });
  const noOwner = action({ ownerId: null, personId: null });
  const all = [mine, lucys, doneLate, noOwner];

  it('keeps everything without filters', () => {
    expect(filterActions(all, none, 'grace', today)).toEqual(all);
  });

  it('keeps the actions the signed-in person owns, and none for someone signed out', () => {
    expect(filterActions(all, { ...none, mine: true }, 'grace', today)).toEqual([mine]);
    expect(filterActions(all, { ...none, mine: true }, null, today)).toEqual([]);
  });

  it('counts only open actions past their due date as overdue', () => {
    expect(filterActions(all, { ...none, overdue: true }, 'grace', today)).toEqual([lucys]);
  });

  it('filters by the owner organisation and by person, together with the others', () => {
    expect(filterActions(all, { ...none, organisationId: 'asc' }, 'grace', today)).toEqual([lucys]);
    expect(filterActions(all, { ...none, personId: 'bert' }, 'grace', today)).toEqual([doneLate]);
    expect(filterActions(all, { ...none, personId: 'ada', mine: true }, 'grace', today)).toEqual([mine]);
  });
});

describe('columns and swimlanes', () => {
  it('puts open actions soonest due first and closed ones most recent first', () => {
    const later = action({ dueDate: '2026-05-01' });
    const sooner = action({ dueDate: '2026-02-01' });
    const doneEarly = action({ status: 'done', completedAt: '2026-02-01T10:00:00.000Z' });
    const doneLate = action({ status: 'done', completedAt: '2026-03-01T10:00:00.000Z' });
    const columns = intoColumns([later, doneEarly, sooner, doneLate]);
    expect(columns.accepted).toEqual([sooner, later]);
    expect(columns.done).toEqual([doneLate, doneEarly]);
    expect(columns.proposed).toEqual([]);
  });

  it('groups by organisation or person by name, with what has no name last', () => {
    const asc = action({ ownerOrganisationId: 'asc' });
    const community = action({ ownerOrganisationId: 'community', personId: 'bert' });
    const nobody = action({ ownerOrganisationId: 'community', personId: null });
    const gone = action({ ownerOrganisationId: 'community', personId: 'gone' });
    const names = {
      organisation: (id: string) => ({ asc: 'Riverside Council', community: 'Community Health' })[id] ?? id,
      person: (id: string) => ({ ada: 'Ada Lovell', bert: 'Bert Amos' })[id],
    };
    const byOrganisation = intoLanes([asc, community, nobody], 'organisation', names);
    expect(byOrganisation.map((l) => [l.name, l.total])).toEqual([
      ['Community Health', 2],
      ['Riverside Council', 1],
    ]);
    const byPerson = intoLanes([asc, community, nobody, gone], 'person', names);
    expect(byPerson.map((l) => l.name)).toEqual([
      'A person no longer on the board',
      'Ada Lovell',
      'Bert Amos',
      'Not for a named person',
    ]);
    expect(intoLanes([asc, community], 'none', names)).toHaveLength(1);
  });
});
