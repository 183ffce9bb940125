import { describe, expect, it } from 'vitest';
import { newAction, type Action } from './action.ts';
import type { RecordRead } from './record.ts';
import { authoredBy, recordChangeProblem, type BoardFacts, type RecordChange } from './rules.ts';
import { anActionFor, priya, tom } from './testing.ts';

const board: BoardFacts = {
  hasPerson: (id) => id === 'person-1',
  hasAction: (id) => id === 'a1',
  goal: (id) => (id === 'goal-1' ? { personId: 'person-1' } : undefined),
  hasStage: (id) => id === 'stage-1',
  peopleAtStage: (id) => (id === 'stage-1' ? 1 : 0),
  personWithNhsNumber: (nhs, exceptId) =>
    nhs === '9434765919' && exceptId !== 'person-1'
      ? { id: 'person-1', name: 'Margaret Ellis', archived: false }
      : undefined,
  meeting: () => undefined,
  meetingItem: () => undefined,
  onAgenda: () => false,
  attending: () => false,
};

const ok = <T>(id: string, value: T): RecordRead<unknown> => ({ id, ok: true, value });
const change = (
  collection: RecordChange['collection'],
  id: string,
  before: RecordRead<unknown> | undefined,
  after: RecordRead<unknown> | undefined,
): RecordChange => ({ collection, id, before, after });

/** An action Priya added for Tom: proposed until he takes it on. */
const forTom = (): Action =>
  newAction('a1', anActionFor('person-1', tom), priya, new Date('2026-12-01T09:00:00Z'));

describe('the board’s rules for a change to one record', () => {
  it('lets only an action’s owner take it on, whoever else changes it', () => {
    const before = forTom();
    const accepted = { ...before, status: 'accepted' as const };
    expect(
      recordChangeProblem(
        change('actions', 'a1', ok('a1', before), ok('a1', accepted)),
        authoredBy(priya),
        board,
      ),
    ).toBe('Only Dr Tom Reid can accept this action');
    expect(
      recordChangeProblem(
        change('actions', 'a1', ok('a1', before), ok('a1', accepted)),
        authoredBy(tom),
        board,
      ),
    ).toBeNull();
    // Anyone may cancel it, or propose it again; taking a cancelled one up again is its owner's.
    const cancelled = { ...before, status: 'cancelled' as const };
    expect(
      recordChangeProblem(
        change('actions', 'a1', ok('a1', before), ok('a1', cancelled)),
        authoredBy(priya),
        board,
      ),
    ).toBeNull();
    expect(
      recordChangeProblem(
        change('actions', 'a1', ok('a1', cancelled), ok('a1', { ...before, status: 'in_progress' })),
        authoredBy(priya),
        board,
      ),
    ).toBe('Only Dr Tom Reid can accept this action');
  });

  it('judges each field by whoever set it, as a browser’s offline work arrives in one change', () => {
    // Priya added the action for Tom; Tom took it on before either reached the server.
    const taken = { ...forTom(), status: 'accepted' as const };
    const authors = { creator: priya, of: (field: string) => (field === 'status' ? tom : priya) };
    expect(
      recordChangeProblem(change('actions', 'a1', undefined, ok('a1', taken)), authors, board),
    ).toBeNull();
    // The same, all in Priya's name, is refused: she cannot accept for Tom.
    expect(
      recordChangeProblem(change('actions', 'a1', undefined, ok('a1', taken)), authoredBy(priya), board),
    ).toBe('An action for Dr Tom Reid starts as proposed, until they accept it');
    // Added for Tom and cancelled at once by Priya: kept, as each step was hers to take.
    const cancelled = { ...forTom(), status: 'cancelled' as const };
    expect(
      recordChangeProblem(change('actions', 'a1', undefined, ok('a1', cancelled)), authoredBy(priya), board),
    ).toBeNull();
    // Added in someone else's name: refused.
    expect(
      recordChangeProblem(change('actions', 'a1', undefined, ok('a1', forTom())), authoredBy(tom), board),
    ).toBe('An action is added in the name of the person adding it');
  });

  it('makes a handed-over action proposed, unless its new owner took it on', () => {
    const mine = newAction('a2', anActionFor('person-1', priya), priya);
    expect(mine.status).toBe('accepted');
    const toTom = { ...mine, ownerId: tom.id, ownerName: tom.name };
    expect(
      recordChangeProblem(change('actions', 'a2', ok('a2', mine), ok('a2', toTom)), authoredBy(priya), board),
    ).toBe('Handing an action to Dr Tom Reid makes it proposed until they accept it');
    expect(
      recordChangeProblem(
        change('actions', 'a2', ok('a2', mine), ok('a2', { ...toTom, status: 'proposed' })),
        authoredBy(priya),
        board,
      ),
    ).toBeNull();
    expect(
      recordChangeProblem(change('actions', 'a2', ok('a2', mine), ok('a2', toTom)), authoredBy(tom), board),
    ).toBeNull();
  });

  it('never deletes people, actions or goals, and removes a stage only when nobody is at it', () => {
    for (const collection of ['people', 'actions', 'goals'] as const) {
      expect(
        recordChangeProblem(change(collection, 'x', ok('x', {}), undefined), authoredBy(priya), board),
      ).toMatch(/never deleted/);
    }
    expect(
      recordChangeProblem(
        change('pathwayStages', 'stage-1', ok('stage-1', {}), undefined),
        authoredBy(priya),
        board,
      ),
    ).toBe('1 person is at this stage: move them to another stage first');
    expect(
      recordChangeProblem(
        change('pathwayStages', 'stage-2', ok('stage-2', {}), undefined),
        authoredBy(priya),
        board,
      ),
    ).toBeNull();
  });

  it('keeps a record written wrongly before as it is, but lets no change add a problem to it', () => {
    const old: RecordRead<unknown> = {
      id: 'o',
      ok: false,
      problems: ['title: Say what needs doing'],
      raw: {},
    };
    const worse: RecordRead<unknown> = {
      id: 'o',
      ok: false,
      problems: ['title: Say what needs doing', 'status: Invalid option'],
      raw: {},
    };
    expect(recordChangeProblem(change('actions', 'o', old, old), authoredBy(priya), board)).toBeNull();
    expect(recordChangeProblem(change('actions', 'o', old, worse), authoredBy(priya), board)).toBe(
      'status: Invalid option',
    );
    expect(recordChangeProblem(change('actions', 'o', undefined, old), authoredBy(priya), board)).toBe(
      'title: Say what needs doing',
    );
  });

  it('wants plain ids for new records, links that lead somewhere, and one person per NHS number', () => {
    expect(
      recordChangeProblem(
        change('actions', 'bad id!', undefined, ok('bad id!', forTom())),
        authoredBy(priya),
        board,
      ),
    ).toMatch(/id of up to 64 letters/);
    expect(
      recordChangeProblem(
        change('actions', 'a1', undefined, ok('a1', { ...forTom(), personId: 'nobody' })),
        authoredBy(priya),
        board,
      ),
    ).toBe('The person this action is for is not on this board');
    expect(
      recordChangeProblem(
        change('actions', 'a1', undefined, ok('a1', { ...forTom(), goalId: 'goal-9' })),
        authoredBy(priya),
        board,
      ),
    ).toBe('The goal this action is linked to is not on this board');
    const second = { name: 'Margaret Ellis', nhsNumber: '9434765919', stageId: null };
    expect(
      recordChangeProblem(
        change('people', 'person-2', undefined, ok('person-2', second)),
        authoredBy(priya),
        board,
      ),
    ).toBe('Margaret Ellis already has this NHS number on this board');
    expect(
      recordChangeProblem(
        change(
          'people',
          'person-2',
          undefined,
          ok('person-2', { ...second, nhsNumber: null, stageId: 'gone' }),
        ),
        authoredBy(priya),
        board,
      ),
    ).toBe('That pathway stage is no longer on this board');
  });
});
