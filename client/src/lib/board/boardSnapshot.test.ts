import { describe, expect, it } from 'vitest';
import type { BoardSnapshot } from '#shared/board/snapshot';
import { readSnapshot } from './boardSnapshot.ts';

const stage = (id: string, order: number) => ({ id, ok: true, value: { id, name: id, order, limit: null } });

describe('a board snapshot as the browser reads it', () => {
  it('keeps every record read, valid or not, with the pathway in its order', () => {
    const snapshot = {
      people: [
        { id: 'ada', ok: true, value: { id: 'ada', name: 'Ada Jones' } },
        { id: 'bob', ok: false, problems: ['name: Give a name'], raw: { name: '' } },
      ],
      pathwayStages: [stage('home', 2), stage('referred', 0), stage('assessed', 1)],
    } as unknown as BoardSnapshot;
    const read = readSnapshot(snapshot);
    expect(read.people).toEqual(snapshot.people);
    expect(read.stages.map((s) => s.id)).toEqual(['referred', 'assessed', 'home']);
    expect(read.actions).toEqual([]);
    expect(read.amendments).toEqual([]);
  });

  it('leaves out whatever is not a record read, however it is malformed', () => {
    const snapshot = {
      people: [
        null,
        'ada',
        [],
        { ok: true, value: { name: 'No id' } },
        { id: 'no-value', ok: true },
        { id: 'null-value', ok: true, value: null },
        { id: 'no-problems', ok: false, raw: {} },
        { id: 'kept', ok: true, value: { id: 'kept', name: 'Kept' } },
      ],
      actions: 'not a list',
      goals: { 0: 'not a list either' },
    } as unknown as BoardSnapshot;
    const read = readSnapshot(snapshot);
    expect(read.people.map((p) => p.id)).toEqual(['kept']);
    expect(read.actions).toEqual([]);
    expect(read.goals).toEqual([]);
  });
});
