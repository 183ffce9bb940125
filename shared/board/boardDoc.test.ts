import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BoardDocument } from './boardDoc.ts';

const input = {
  title: 'Review medication',
  ownerName: 'Dr Amira Shah',
  ownerOrganisationId: 'elm-tree-practice',
  dueDate: '2026-12-01',
  personId: null,
};

describe('BoardDocument', () => {
  it('round-trips an action through another document', () => {
    const doc = new Y.Doc();
    const added = new BoardDocument(doc).addAction(input, 'Nurse Lee');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    expect(new BoardDocument(copy).readActions()).toEqual([{ id: added.id, ok: true, value: added }]);
    expect(added).toMatchObject({ ...input, status: 'proposed', createdBy: 'Nurse Lee', completedAt: null });
  });

  it('stamps completion when an action is done and clears it when reopened', () => {
    const board = new BoardDocument(new Y.Doc());
    const { id } = board.addAction(input, 'Nurse Lee');
    board.completeAction(id);
    const done = board.readActions()[0]!;
    expect(done.ok && done.value.status).toBe('done');
    expect(done.ok && done.value.completedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    board.updateAction(id, { status: 'in_progress' });
    const reopened = board.readActions()[0]!;
    expect(reopened.ok && reopened.value.completedAt).toBeNull();
  });

  it('refuses invalid input and leaves the board unchanged', () => {
    const board = new BoardDocument(new Y.Doc());
    expect(() => board.addAction({ ...input, ownerName: '  ' }, 'Nurse Lee')).toThrow(/one person/);
    const { id } = board.addAction(input, 'Nurse Lee');
    expect(() => board.updateAction(id, { dueDate: 'next week' })).toThrow(/YYYY-MM-DD/);
    expect(() => board.updateAction('missing', { title: 'x' })).toThrow(/No action/);
    const read = board.readActions();
    expect(read).toHaveLength(1);
    expect(read[0]!.ok && read[0]!.value.dueDate).toBe('2026-12-01');
  });

  it('reports a record written by a hostile client as needing attention instead of throwing', () => {
    const doc = new Y.Doc();
    const actions = doc.getMap<Y.Map<unknown>>('actions');
    const bad = new Y.Map<unknown>();
    actions.set('bad', bad);
    bad.set('title', 42);
    actions.set('not-a-map', 'oops' as unknown as Y.Map<unknown>);
    const read = new BoardDocument(doc).readActions();
    expect(read.map((r) => r.ok)).toEqual([false, false]);
    expect(read[0]!.ok === false && read[0]!.problems.length).toBeGreaterThan(0);
  });

  it('keeps both people’s changes when they edit different fields of one action at once', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const { id } = new BoardDocument(a).addAction(input, 'Nurse Lee');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    new BoardDocument(a).updateAction(id, { dueDate: '2026-12-05' });
    new BoardDocument(b).updateAction(id, { status: 'accepted' });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const doc of [a, b]) {
      expect(new BoardDocument(doc).readActions()[0]).toMatchObject({
        ok: true,
        value: { dueDate: '2026-12-05', status: 'accepted' },
      });
    }
  });
});
