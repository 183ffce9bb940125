import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardDocument } from './boardDoc.ts';
import { boardChanges, type BoardState } from './changes.ts';
import { validRecords } from './record.ts';
import { aPerson, anActionFor, priya, tom } from './testing.ts';

function stateOf(board: BoardDocument): BoardState {
  return {
    people: validRecords(board.readPeople()),
    goals: validRecords(board.readGoals()),
    actions: validRecords(board.readActions()),
    stages: board.readPathwayStages().flatMap((s) => (s.ok ? [{ ...s.value, id: s.id }] : [])),
  };
}

describe('what changed between two states of a board', () => {
  it('lists each change in words, grouped by person, as the team would list them by hand', () => {
    const board = new BoardDocument(new Y.Doc());
    const as = { by: tom, now: new Date('2026-12-01T09:00:00Z') };
    const [assessment, review] = board.addPathwayStages(
      [
        { name: 'Assessment', limit: null, order: 0 },
        { name: 'Review', limit: null, order: 1 },
      ],
      as,
    );
    const margaret = board.addPerson(aPerson, { ...as, text: { sbarSituation: 'Fell at home on Sunday.' } });
    const harold = board.addPerson(
      { ...aPerson, nhsNumber: null, name: 'Harold Bennett', risk: 'amber', riskReason: 'Carer unwell' },
      as,
    );
    const quiet = board.addPerson({ ...aPerson, nhsNumber: null, name: 'Ivy Lambert' }, as);
    const visit = board.addAction({ ...anActionFor(margaret.id), dueDate: '2026-12-03' }, as);
    const call = board.addAction(
      { ...anActionFor(harold.id), title: 'Call the daughter', dueDate: '2026-12-20' },
      as,
    );
    const goal = board.addGoal(
      {
        personId: margaret.id,
        statement: 'Walk to the shop again',
        targetDate: null,
        leadOrganisationId: null,
      },
      as,
    );
    board.movePersonToStage(harold.id, assessment!.id, as);
    const before = stateOf(board);

    // The day after the handover.
    const later = { by: priya, now: new Date('2026-12-04T10:00:00Z') };
    board.updatePerson(margaret.id, { risk: 'amber', riskReason: 'No falls since Sunday' }, later);
    board.sharedText('people', margaret.id, 'sbarSituation')!.insert(23, ' No injuries.');
    board.updateAction(visit.id, { status: 'accepted' }, later);
    board.updateGoal(goal.id, { status: 'in_progress' }, later);
    board.updateAction(call.id, { ownerId: tom.id!, ownerName: tom.name }, later);
    board.movePersonToStage(harold.id, review!.id, later);
    board.archivePerson(harold.id, 'Moved to a care home', later);
    const newcomer = board.addPerson(
      { ...aPerson, nhsNumber: null, name: 'Stanley Hughes', risk: null, riskReason: '' },
      later,
    );
    board.addAction({ ...anActionFor(newcomer.id), title: 'First visit', dueDate: '2026-12-10' }, later);
    const after = stateOf(board);

    const changes = boardChanges(before, after, '2026-12-01', '2026-12-04');
    expect(changes.map((group) => [group.personName, group.changes.map((c) => [c.kind, c.summary])])).toEqual(
      [
        [
          'Harold Bennett',
          [
            ['person-archived', 'Archived: Moved to a care home'],
            ['stage', 'Pathway: Assessment to Review'],
            ['action-reassigned', 'Action “Call the daughter” reassigned: Priya Shah to Dr Tom Reid'],
          ],
        ],
        [
          'Margaret Ellis',
          [
            ['risk', 'Risk: Red to Amber (No falls since Sunday)'],
            ['text', 'SBAR: Situation changed'],
            ['goal-status', 'Goal “Walk to the shop again”: Not started to In progress'],
            ['action-accepted', 'Action “Home visit to review falls risk” accepted by Priya Shah'],
            ['action-overdue', 'Action “Home visit to review falls risk” is overdue (due 2026-12-03)'],
          ],
        ],
        [
          'Stanley Hughes',
          [
            ['person-added', 'Added to the board'],
            ['action-created', 'Action created: “First visit”, owner Priya Shah'],
          ],
        ],
      ],
    );
    const situation = changes[1]!.changes[1]!;
    expect(situation.text).toEqual({
      label: 'SBAR: Situation',
      before: 'Fell at home on Sunday.',
      after: 'Fell at home on Sunday. No injuries.',
    });
    // Ivy, whom nobody touched, is not listed; nor is anything when nothing changed.
    expect(changes.some((group) => group.personId === quiet.id)).toBe(false);
    expect(boardChanges(after, after, '2026-12-04', '2026-12-04')).toEqual([]);
  });
});
