import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardDocument } from './boardDoc.ts';
import { validRecords } from './record.ts';
import { aPerson, anActionFor, priya, tom } from './testing.ts';

/** Two browsers on one board, each change reaching the other at once. */
function twoBrowsers() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on(
    'update',
    (update: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, update, 'remote'),
  );
  b.on(
    'update',
    (update: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, update, 'remote'),
  );
  return { grace: new BoardDocument(a, 'grace'), tom: new BoardDocument(b, 'tom') };
}

/** A version of the board: its document as it is, read back as a browser opening it does. */
function versionOf(board: BoardDocument) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(board.doc));
  return new BoardDocument(doc);
}

const valuesOf = (reads: { ok: boolean; id: string; value?: unknown }[], id: string) =>
  reads.find((r) => r.id === id && r.ok)!.value as Record<string, unknown>;

describe('restoring records from a version', () => {
  it('puts one record back as a new change and leaves everything else, and later typing, alone', () => {
    const { grace, tom: toms } = twoBrowsers();
    const as = { by: priya };
    const margaret = grace.addPerson(aPerson, { ...as, text: { sbarSituation: 'Fell at home.' } });
    const harold = grace.addPerson({ ...aPerson, nhsNumber: null, name: 'Harold Bennett' }, as);
    const visit = grace.addAction(anActionFor(margaret.id), as);
    const version = versionOf(grace);

    // After the version: Tom renames the action, adds to Margaret's situation, and changes Harold.
    toms.updateAction(visit.id, { title: 'Visit cancelled', dueDate: '2027-01-05' }, { by: tom });
    toms.sharedText('people', margaret.id, 'sbarSituation')!.insert(13, ' Hip sore.');
    toms.updatePerson(harold.id, { riskReason: 'Carer in hospital', risk: 'amber' }, { by: tom });

    // Grace restores the action: its title and due date come back; Tom's other changes stay.
    const restored = grace.restoreRecords([
      { collection: 'actions', id: visit.id, values: valuesOf(version.readActions(), visit.id) },
    ]);
    expect(restored).toEqual([{ collection: 'actions', id: visit.id, fields: ['title', 'dueDate'] }]);
    const action = validRecords(toms.readActions()).find((a) => a.id === visit.id)!;
    expect([action.title, action.dueDate]).toEqual([visit.title, visit.dueDate]);
    expect(validRecords(toms.readPeople()).find((p) => p.id === harold.id)?.risk).toBe('amber');
    expect(toms.sharedText('people', margaret.id, 'sbarSituation')!.toString()).toBe(
      'Fell at home. Hip sore.',
    );

    // Restoring one SBAR part by the smallest edit: what Tom types at its start meanwhile is kept.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(toms.doc));
    new BoardDocument(offline).sharedText('people', margaret.id, 'sbarSituation')!.insert(0, 'Sunday: ');
    grace.restoreRecords([
      {
        collection: 'people',
        id: margaret.id,
        values: valuesOf(version.readPeople(), margaret.id),
        fields: ['sbarSituation'],
      },
    ]);
    Y.applyUpdate(toms.doc, Y.encodeStateAsUpdate(offline), 'back online');
    expect(grace.sharedText('people', margaret.id, 'sbarSituation')!.toString()).toBe(
      'Sunday: Fell at home.',
    );
    expect(toms.sharedText('people', margaret.id, 'sbarSituation')!.toString()).toBe('Sunday: Fell at home.');
    // Nothing to do for a record that is as the version has it.
    expect(
      grace.restoreRecords([
        { collection: 'actions', id: visit.id, values: valuesOf(version.readActions(), visit.id) },
      ]),
    ).toEqual([]);
  });

  it('makes again, whole, a record a faulty browser removed', () => {
    const { grace, tom: toms } = twoBrowsers();
    const margaret = grace.addPerson(aPerson, { by: priya, text: { whatMatters: 'My garden' } });
    const version = versionOf(grace);
    toms.doc.transact(() => toms.doc.getMap('people').delete(margaret.id));
    expect(toms.readPeople()).toEqual([]);
    grace.restoreRecords([
      { collection: 'people', id: margaret.id, values: valuesOf(version.readPeople(), margaret.id) },
    ]);
    const back = validRecords(toms.readPeople());
    expect(back.map((p) => [p.id, p.name, p.whatMatters])).toEqual([
      [margaret.id, aPerson.name, 'My garden'],
    ]);
  });
});
