import { describe, expect, it } from 'vitest';
import type { WorkItem } from '#shared/work';
import { routeQueryFromWork, workPageQueryFrom, workSections } from './work.ts';

const item = (id: string, status: WorkItem['status'], dueDate: string | null): WorkItem => ({
  boardId: 'b',
  boardName: 'Board',
  id,
  title: id,
  status,
  dueDate,
  owner: { id: 'u', name: 'U', organisationId: null, organisationName: null },
  person: null,
  createdBy: { id: null, name: '' },
  needsAttention: false,
});

describe('My work', () => {
  it('groups actions: waiting to accept first, then overdue, today, the next six days, later', () => {
    const sections = workSections(
      [
        item('proposed-late', 'proposed', '2026-11-01'),
        item('late', 'accepted', '2026-12-03'),
        item('today', 'in_progress', '2026-12-04'),
        item('sunday', 'accepted', '2026-12-06'),
        item('next-thursday', 'blocked', '2026-12-10'),
        item('next-friday', 'accepted', '2026-12-11'),
        item('undated', 'accepted', null),
      ],
      '2026-12-04',
    );
    expect(sections.map((s) => [s.group, s.items.map((i) => i.id)])).toEqual([
      ['to-accept', ['proposed-late']],
      ['overdue', ['late']],
      ['today', ['today']],
      ['week', ['sunday', 'next-thursday']],
      ['later', ['next-friday', 'undated']],
    ]);
  });

  it('keeps its filters in the address, and ignores what is not one', () => {
    const query = workPageQueryFrom({
      scope: 'organisation',
      board: 'b1',
      status: 'blocked',
      person: ['p1', 'p2'],
    });
    expect(query).toEqual({ scope: 'organisation', board: 'b1', person: 'p1', status: 'blocked' });
    expect(routeQueryFromWork(query)).toEqual({
      scope: 'organisation',
      board: 'b1',
      person: 'p1',
      status: 'blocked',
    });
    expect(workPageQueryFrom({ scope: 'everyone', status: 'maybe' })).toEqual({
      scope: 'mine',
      board: '',
      person: '',
      status: '',
    });
    expect(routeQueryFromWork(workPageQueryFrom({}))).toEqual({});
  });
});
