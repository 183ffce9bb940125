import { describe, expect, it } from 'vitest';
import { groupBy, keepUnchangedGroups } from './boardIndex.ts';

describe('groups kept from one read of the board to the next', () => {
  const ada = { id: 'a1', personId: 'ada' };
  const ada2 = { id: 'a2', personId: 'ada' };
  const bob = { id: 'b1', personId: 'bob' };
  const byPerson = (records: { id: string; personId: string }[]) => groupBy(records, (r) => r.personId);

  it('gives a group that holds the same records in the same order as the earlier array, and a changed one afresh', () => {
    const before = byPerson([ada, ada2, bob]);
    const bobChanged = { ...bob, title: 'changed' };
    const after = keepUnchangedGroups(before, byPerson([ada, ada2, bobChanged]));
    expect(after.get('ada')).toBe(before.get('ada'));
    expect(after.get('bob')).not.toBe(before.get('bob'));
    expect(after.get('bob')).toEqual([bobChanged]);
  });

  it('gives a group afresh when a record joined, left or moved within it, and a group of its own to a new key', () => {
    const before = byPerson([ada, ada2]);
    expect(keepUnchangedGroups(before, byPerson([ada])).get('ada')).toEqual([ada]);
    expect(keepUnchangedGroups(before, byPerson([ada2, ada])).get('ada')).toEqual([ada2, ada]);
    const more = keepUnchangedGroups(before, byPerson([ada, ada2, bob]));
    expect(more.get('ada')).toBe(before.get('ada'));
    expect(more.get('bob')).toEqual([bob]);
    expect(keepUnchangedGroups(undefined, byPerson([bob])).get('bob')).toEqual([bob]);
  });
});
