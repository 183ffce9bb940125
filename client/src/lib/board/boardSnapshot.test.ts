import { describe, expect, it } from 'vitest';
import type { Person } from '#shared/board/person';
import type { RecordRead } from '#shared/board/record';
import type { BoardSnapshot } from '#shared/board/snapshot';
import { SnapshotRecords, readSnapshot } from './boardSnapshot.ts';

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

describe('what a snapshot drew, once the document is read', () => {
  // Only what this test looks at: a person's id and name.
  const person = (id: string, name: string) =>
    ({ id, ok: true, value: { id, name } }) as unknown as RecordRead<Person>;
  const board = (people: RecordRead<Person>[]) =>
    readSnapshot({ people: JSON.parse(JSON.stringify(people)) } as unknown as BoardSnapshot);

  it('shows the records unchanged since the snapshot as its own objects, in that read and later ones, and the changed ones afresh', () => {
    const shown = board([person('ada', 'Ada Jones'), person('bob', 'Bob Smith')]);
    const ada = person('ada', 'Ada Jones');
    const bob = person('bob', 'Bob Smyth');
    const cy = person('cy', 'Cy Twombly');
    const drawn = new SnapshotRecords();
    const first = { ...shown, people: [ada, bob, cy] };
    drawn.adopt(shown, first);

    const read = drawn.shown(first);
    expect(read.people[0]).toBe(shown.people[0]);
    expect(read.people[1]).toBe(bob);
    expect(read.people[2]).toBe(cy);
    expect(read.people.map((p) => p.ok && p.value.name)).toEqual(['Ada Jones', 'Bob Smyth', 'Cy Twombly']);

    // A later read of the document: Ada unchanged (the same object from its cache), Cy changed.
    const cyAgain = person('cy', 'Cy Twombly-Jones');
    const later = drawn.shown({ ...first, people: [ada, bob, cyAgain] });
    expect(later.people[0]).toBe(shown.people[0]);
    expect(later.people[2]).toBe(cyAgain);
  });

  it('leaves a read alone when nothing was drawn from a snapshot', () => {
    const drawn = new SnapshotRecords();
    const read = board([person('ada', 'Ada Jones')]);
    expect(drawn.shown(read)).toBe(read);
  });
});
