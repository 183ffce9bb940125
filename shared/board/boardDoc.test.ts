import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BoardDocument, Collection, recordsTouched } from './boardDoc.ts';
import { stagesFromTemplate } from './pathway.ts';
import { NhsNumberTakenError } from './person.ts';
import { aPerson, anActionFor, priya, tom } from './testing.ts';

const LOCAL = { source: 'browser' };

/** Copies one document's state into a new one, as a second browser or the server would hold it. */
function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
}

function boardWithPerson(): { doc: Y.Doc; board: BoardDocument; personId: string } {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc, LOCAL);
  board.addPathwayStages(stagesFromTemplate('frailty'), { by: priya });
  const { id } = board.addPerson(aPerson, { by: priya, text: { whatMatters: 'My cat, Biscuit' } });
  return { doc, board, personId: id };
}

/** Types into a shared text field the way the browser's text binding does. */
function typeInto(board: BoardDocument, personId: string, field: string, at: number, text: string): void {
  board.sharedText(Collection.people, personId, field)!.insert(at, text);
}

describe('BoardDocument round trips', () => {
  it('round-trips a person, with shared text fields, through another document', () => {
    const { doc, board, personId } = boardWithPerson();
    typeInto(board, personId, 'sbarSituation', 0, 'Fell twice this month');
    const read = new BoardDocument(copyOf(doc)).readPeople();
    expect(read).toEqual([
      {
        id: personId,
        ok: true,
        value: expect.objectContaining({
          name: 'Margaret Ellis',
          nhsNumber: '9434765919',
          frailtyScore: 6,
          risk: 'red',
          keyWorkerId: 'user-priya',
          organisationIds: ['riverside-community', 'elm-tree-practice'],
          whatMatters: 'My cat, Biscuit',
          sbarSituation: 'Fell twice this month',
          sbarBackground: '',
          archived: false,
          createdBy: 'Priya Shah',
        }),
      },
    ]);
    expect(doc.getMap(Collection.people).get(personId)).toBeInstanceOf(Y.Map);
    expect((doc.getMap(Collection.people).get(personId) as Y.Map<unknown>).get('whatMatters')).toBeInstanceOf(
      Y.Text,
    );
  });

  it('round-trips a goal and an action linked to it', () => {
    const { doc, board, personId } = boardWithPerson();
    const goal = board.addGoal(
      { personId, statement: 'I want to feel safe getting up in the night', targetDate: '2027-01-10' },
      { by: tom },
    );
    const action = board.addAction({ ...anActionFor(personId), goalId: goal.id }, { by: tom });
    const copy = new BoardDocument(copyOf(doc));
    expect(copy.readGoals()).toEqual([{ id: goal.id, ok: true, value: goal }]);
    expect(goal).toMatchObject({ status: 'not_started', notes: '', createdById: 'user-tom' });
    expect(copy.readActions()).toEqual([{ id: action.id, ok: true, value: action }]);
    expect(action).toMatchObject({ goalId: goal.id, personId, status: 'proposed' });
  });

  it('round-trips the pathway in order, with a stage moved and one added', () => {
    const { doc, board } = boardWithPerson();
    const stages = () => board.readPathwayStages().flatMap((s) => (s.ok ? [s.value.name] : []));
    const review = board.readPathwayStages().find((s) => s.ok && s.value.name === 'Review')!;
    board.moveStage(review.id, 0, { by: priya });
    board.addStage({ name: 'Hospital at home', limit: 5 }, { by: priya });
    const expected = [
      'Review',
      'Identified',
      'Comprehensive Geriatric Assessment',
      'Care and support plan',
      'Interventions',
      'Stepped down',
      'Hospital at home',
    ];
    expect(stages()).toEqual(expected);
    expect(
      new BoardDocument(copyOf(doc)).readPathwayStages().flatMap((s) => (s.ok ? [s.value.name] : [])),
    ).toEqual(expected);
  });
});

describe('BoardDocument writes', () => {
  it('moves a person along the pathway and restarts the days in stage', () => {
    const { board, personId } = boardWithPerson();
    const [first, second] = board.readPathwayStages();
    board.movePersonToStage(personId, first!.id, { by: priya, now: new Date('2026-11-01T09:00:00Z') });
    board.movePersonToStage(personId, second!.id, { by: priya, now: new Date('2026-11-10T09:00:00Z') });
    const person = board.readPeople()[0]!;
    expect(person.ok && [person.value.stageId, person.value.stageEnteredAt]).toEqual([
      second!.id,
      '2026-11-10T09:00:00.000Z',
    ]);
    expect(() => board.movePersonToStage(personId, 'no-such-stage', { by: priya })).toThrow(
      /No pathway stage/,
    );
  });

  it('refuses to remove a stage someone is at, and removes an empty one', () => {
    const { board, personId } = boardWithPerson();
    const [first, second] = board.readPathwayStages();
    board.movePersonToStage(personId, first!.id, { by: priya });
    expect(() => board.removeStage(first!.id, { by: priya })).toThrow(
      '1 person is at this stage: move them to another stage first',
    );
    board.removeStage(second!.id, { by: priya });
    expect(board.readPathwayStages().map((s) => s.id)).not.toContain(second!.id);
  });

  it('archives a person with a reason and restores them; nothing is deleted', () => {
    const { board, personId } = boardWithPerson();
    expect(() => board.archivePerson(personId, '  ', { by: priya })).toThrow(
      /Say why the person is being archived/,
    );
    board.archivePerson(personId, 'Moved out of area', { by: priya, now: new Date('2026-11-22T10:00:00Z') });
    let person = board.readPeople()[0]!;
    expect(person.ok && [person.value.archived, person.value.archivedReason]).toEqual([
      true,
      'Moved out of area',
    ]);
    board.restorePerson(personId, { by: priya });
    person = board.readPeople()[0]!;
    expect(
      person.ok && [person.value.archived, person.value.archivedReason, person.value.whatMatters],
    ).toEqual([false, '', 'My cat, Biscuit']);
  });

  it('refuses invalid changes with a readable message and leaves the board unchanged', () => {
    const { doc, board, personId } = boardWithPerson();
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => board.updatePerson(personId, { nhsNumber: '1234567890' }, { by: priya })).toThrow(
      /valid NHS number/,
    );
    expect(() => board.updatePerson(personId, { frailtyScore: 12 }, { by: priya })).toThrow(/1 to 9/);
    expect(() => board.addGoal({ personId, statement: ' ' }, { by: priya })).toThrow(/own words/);
    expect(() => board.addGoal({ personId: 'nobody', statement: 'x' }, { by: priya })).toThrow(/No person/);
    expect(() => board.addAction({ ...anActionFor(personId), dueDate: 'next week' }, { by: priya })).toThrow(
      /due date as YYYY-MM-DD/,
    );
    expect(() => board.updateAction('missing', { title: 'x' }, { by: priya })).toThrow(/No action/);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('refuses a second person with an NHS number already on the board, archived or not', () => {
    const { doc, board, personId } = boardWithPerson();
    const refusal = (change: () => unknown): unknown => {
      try {
        change();
      } catch (error) {
        return error;
      }
      return null;
    };
    const before = Y.encodeStateAsUpdate(doc);
    const added = refusal(() =>
      board.addPerson({ name: 'Margaret Ellis', nhsNumber: '9434765919' }, { by: tom }),
    );
    expect(added).toBeInstanceOf(NhsNumberTakenError);
    expect(added).toMatchObject({
      personId,
      personName: 'Margaret Ellis',
      archived: false,
      message: 'Margaret Ellis already has this NHS number on this board',
    });
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);

    // Changing someone else's number to hers is refused too; an archived person still holds theirs.
    const harold = board.addPerson({ name: 'Harold Bennett', nhsNumber: '999 000 0018' }, { by: priya });
    expect(
      refusal(() => board.updatePerson(harold.id, { nhsNumber: '943-476-5919' }, { by: priya })),
    ).toMatchObject({
      personId,
      personName: 'Margaret Ellis',
    });
    board.archivePerson(harold.id, 'Moved out of area', { by: priya });
    expect(
      refusal(() => board.addPerson({ name: 'H Bennett', nhsNumber: '9990000018' }, { by: tom })),
    ).toMatchObject({
      personId: harold.id,
      archived: true,
      message: 'Harold Bennett already has this NHS number on this board (archived)',
    });

    // Their own number is theirs to keep while other details change; no number is no clash.
    expect(
      board.updatePerson(personId, { nhsNumber: '943 476 5919', frailtyScore: 7 }, { by: priya })
        .frailtyScore,
    ).toBe(7);
    expect(board.addPerson({ name: 'Stanley Hughes' }, { by: tom }).nhsNumber).toBeNull();
  });

  it('keeps both people’s changes when they edit different fields of one record at once', () => {
    const { doc: a, board, personId } = boardWithPerson();
    const { id } = board.addAction(anActionFor(personId), { by: priya });
    const b = copyOf(a);
    board.updateAction(id, { dueDate: '2026-12-05' }, { by: priya });
    new BoardDocument(b).updateAction(id, { status: 'in_progress' }, { by: priya });
    new BoardDocument(b).updatePerson(personId, { frailtyScore: 7 }, { by: priya });
    board.updatePerson(personId, { risk: 'amber', riskReason: 'Falls reviewed' }, { by: priya });
    sync(a, b);
    for (const doc of [a, b]) {
      const read = new BoardDocument(doc);
      expect(read.readActions()[0]).toMatchObject({
        ok: true,
        value: { dueDate: '2026-12-05', status: 'in_progress' },
      });
      expect(read.readPeople()[0]).toMatchObject({ ok: true, value: { frailtyScore: 7, risk: 'amber' } });
    }
  });
});

describe('shared text', () => {
  it('merges two people typing in the same SBAR field character by character', () => {
    const { doc: a, board, personId } = boardWithPerson();
    typeInto(board, personId, 'sbarAssessment', 0, 'Falls risk high.');
    const b = copyOf(a);
    const other = new BoardDocument(b, LOCAL);
    // Both type at once, at different places in the same field.
    typeInto(board, personId, 'sbarAssessment', 0, 'GP: ');
    typeInto(other, personId, 'sbarAssessment', 'Falls risk high.'.length, ' OT: stairs unsafe.');
    sync(a, b);
    for (const doc of [a, b]) {
      const person = new BoardDocument(doc).readPeople()[0]!;
      expect(person.ok && person.value.sbarAssessment).toBe('GP: Falls risk high. OT: stairs unsafe.');
    }
  });

  it('turns a text field an old client left as a plain string into shared text, keeping its value', () => {
    const { doc, board, personId } = boardWithPerson();
    (doc.getMap(Collection.people).get(personId) as Y.Map<unknown>).set('sbarBackground', 'Lives alone');
    const text = board.sharedText(Collection.people, personId, 'sbarBackground');
    expect(text).toBeInstanceOf(Y.Text);
    expect(text!.toString()).toBe('Lives alone');
    expect(board.sharedText(Collection.people, personId, 'name')).toBeNull();
    expect(board.sharedText(Collection.people, 'missing', 'whatMatters')).toBeNull();
  });
});

describe('undo and redo', () => {
  it('undo takes back only your own changes, never someone else’s', () => {
    const { doc: a, board: mine, personId } = boardWithPerson();
    const b = copyOf(a);
    const theirs = new BoardDocument(b, LOCAL);
    const undo = mine.createUndoManager();
    typeInto(mine, personId, 'whatMatters', 'My cat, Biscuit'.length, ' and my garden');
    typeInto(theirs, personId, 'whatMatters', 0, 'Family: ');
    undo.stopCapturing(); // as when more than half a second passes
    mine.updatePerson(personId, { frailtyScore: 5 }, { by: priya });
    sync(a, b);
    undo.undo(); // the frailty score
    undo.undo(); // the typing
    const read = (doc: Y.Doc) => {
      const person = new BoardDocument(doc).readPeople()[0]!;
      return person.ok ? [person.value.whatMatters, person.value.frailtyScore] : [];
    };
    expect(read(a)).toEqual(['Family: My cat, Biscuit', 6]);
    undo.redo();
    expect(read(a)).toEqual(['Family: My cat, Biscuit and my garden', 6]);
  });
});

describe('reading records', () => {
  it('reports records written by a hostile client as needing attention instead of throwing', () => {
    const { doc, board, personId } = boardWithPerson();
    const actions = doc.getMap<Y.Map<unknown>>(Collection.actions);
    const bad = new Y.Map<unknown>();
    actions.set('bad', bad);
    bad.set('title', 42);
    actions.set('not-a-map', 'oops' as unknown as Y.Map<unknown>);
    const person = doc.getMap(Collection.people).get(personId) as Y.Map<unknown>;
    person.set('frailtyScore', 'very');
    doc.getMap(Collection.goals).set('g', new Y.Map());
    const read = board.readActions();
    expect(read.map((r) => r.ok)).toEqual([false, false]);
    expect(read[0]!.ok === false && read[0]!.problems.length).toBeGreaterThan(0);
    const people = board.readPeople();
    expect(people[0]!.ok === false && people[0]!.problems).toEqual([
      'frailtyScore: Choose a Clinical Frailty Scale score from 1 to 9',
    ]);
    expect(board.readGoals()[0]!.ok).toBe(false);
  });

  it('re-reads only the records that changed, keeping the others as they were', () => {
    const { board, personId } = boardWithPerson();
    const other = board.addPerson({ name: 'Harold Bennett' }, { by: priya });
    const unsubscribe = board.onChange(() => {});
    const first = board.readPeople();
    typeInto(board, personId, 'sbarSituation', 0, 'Better today');
    const second = board.readPeople();
    const byId = (reads: typeof first, id: string) => reads.find((r) => r.id === id);
    expect(byId(second, other.id)).toBe(byId(first, other.id));
    expect(byId(second, personId)).not.toBe(byId(first, personId));
    expect(byId(second, personId)).toMatchObject({ ok: true, value: { sbarSituation: 'Better today' } });
    unsubscribe();
  });

  it('names the records a transaction touched, for pending marks and the audit trail', () => {
    const { doc, board, personId } = boardWithPerson();
    const seen: { collection: string; id: string | null }[][] = [];
    doc.on('afterTransaction', (transaction: Y.Transaction) =>
      seen.push(recordsTouched(transaction, board.roots())),
    );
    typeInto(board, personId, 'sbarSituation', 0, 'x');
    const action = board.addAction(anActionFor(personId), { by: priya });
    expect(seen).toEqual([
      [{ collection: 'people', id: personId }],
      [{ collection: 'actions', id: action.id }],
    ]);
  });
});

describe('a whole read that takes reads made elsewhere (the server’s snapshot)', () => {
  /** A board with people, goals, actions, stages and a comment, and its reads as a snapshot (JSON, as sent). */
  function boardAndSnapshot() {
    const { doc, board, personId } = boardWithPerson();
    board.addGoal({ personId, statement: '  Walk to the shop again  ' }, { by: priya });
    const action = board.addAction(anActionFor(personId), { by: priya });
    board.addComment(
      { subjectType: 'actions', subjectId: action.id, body: 'Asked the OT', mentions: [] },
      { by: tom },
    );
    const snapshot = JSON.parse(
      JSON.stringify({
        people: board.readPeople(),
        goals: board.readGoals(),
        actions: board.readActions(),
        pathwayStages: board.readPathwayStages(),
        comments: board.readComments(),
      }),
    ) as Record<string, { id: string }[]>;
    return { doc, personId, actionId: action.id, snapshot };
  }

  it('reads every valid record the same as validating it would: the schemas only trim and fill defaults', () => {
    const { doc, snapshot } = boardAndSnapshot();
    const validated = new BoardDocument(copyOf(doc));
    const known = new BoardDocument(copyOf(doc));
    known.expectReads(snapshot as never);
    // Without an observer every read is a whole one: the known reads go to the first of each.
    const [people, goals, actions, stages, comments] = [
      known.readPeople(),
      known.readGoals(),
      known.readActions(),
      known.readPathwayStages(),
      known.readComments(),
    ];
    expect(people).toEqual(validated.readPeople());
    expect(goals).toEqual(validated.readGoals());
    expect(actions).toEqual(validated.readActions());
    expect(stages).toEqual(validated.readPathwayStages());
    expect(comments).toEqual(validated.readComments());
    // The known reads themselves, not copies: what a view drew from the snapshot stays drawn.
    expect(people[0]).toBe(snapshot.people![0]);
    expect(goals[0]).toBe(snapshot.goals![0]);
    expect(actions[0]).toBe(snapshot.actions![0]);
  });

  it('validates afresh a record changed since, and one that no longer has the shape of its kind', () => {
    const { doc, personId, actionId, snapshot } = boardAndSnapshot();
    const copy = copyOf(doc);
    const board = new BoardDocument(copy, LOCAL);
    board.updateAction(actionId, { title: 'Book the falls clinic' }, { by: priya, now: new Date() });
    copy.transact(() => (copy.getMap(Collection.people).get(personId) as Y.Map<unknown>).set('shoeSize', 9));
    board.expectReads(snapshot as never);
    const [action] = board.readActions();
    expect(action).not.toBe(snapshot.actions![0]);
    expect(action).toMatchObject({ ok: true, value: { title: 'Book the falls clinic' } });
    const [person] = board.readPeople();
    expect(person).toMatchObject({ ok: false, problems: ['A field “shoeSize” is not part of a person'] });
  });

  it('takes known reads only in the whole read just after them, never once the document has been read', () => {
    const { doc, personId, snapshot } = boardAndSnapshot();
    const board = new BoardDocument(copyOf(doc), LOCAL);
    const stop = board.onChange(() => undefined);
    const first = board.readPeople();
    board.expectReads(snapshot as never);
    expect(board.readPeople()[0]).toBe(first[0]);
    expect(board.readPeople()[0]).not.toBe(snapshot.people![0]);
    expect(first[0]!.id).toBe(personId);
    stop();
  });
});
