import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BoardDocument } from '../boardDoc.ts';
import { aPerson, priya, tom } from '../testing.ts';
import { buildAgenda, missingToDiscuss } from './agenda.ts';
import { MeetingDocument } from './meetingDoc.ts';
import { meetingChangeProblem, type MeetingFacts } from './meetingRules.ts';
import { READINESS_NEEDS, type MeetingItem } from './meeting.ts';

const at = (time: string) => new Date(`2026-12-05T${time}Z`);

function boardWithPeople() {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc);
  const meetings = new MeetingDocument(doc);
  const add = (name: string, risk: 'red' | 'amber' | 'green' | null, createdAt: Date) =>
    board.addPerson(
      { ...aPerson, name, nhsNumber: null, risk, riskReason: risk ? 'Falls' : '' },
      { by: priya, now: createdAt },
    );
  const zara = add('Zara Ahmed', 'red', at('08:00:00'));
  const alan = add('Alan Brook', 'green', at('08:00:00'));
  const betty = add('Betty Cole', 'red', at('08:00:00'));
  const unrated = add('Colin Dean', null, at('08:00:00'));
  return { doc, board, meetings, zara, alan, betty, unrated };
}

function prepare(meetings: MeetingDocument, board: BoardDocument, now: Date) {
  const people = board.readPeople().flatMap((p) => (p.ok ? [p.value] : []));
  const last = meetings.lastOf('Daily handover');
  return meetings.prepare(
    { series: 'Daily handover', needs: [...READINESS_NEEDS], slotSeconds: 60 },
    buildAgenda(people, [], last),
    { by: tom, now },
  );
}

describe('a meeting’s agenda', () => {
  it('lists people by risk then name, unrated last', () => {
    const { board, meetings } = boardWithPeople();
    const meeting = prepare(meetings, board, at('09:00:00'));
    const names = meetings
      .items(meeting.id)
      .map((item) => board.readPeople().find((p) => p.id === item.personId)!)
      .map((p) => (p.ok ? p.value.name : ''));
    expect(names).toEqual(['Betty Cole', 'Zara Ahmed', 'Alan Brook', 'Colin Dean']);
  });

  it('marks people with something new since the last meeting, and those it carried over with why', () => {
    const people = [
      { id: 'p1', name: 'A', risk: null, archived: false, createdAt: '2026-12-01T08:00:00Z' },
      { id: 'p2', name: 'B', risk: null, archived: false, createdAt: '2026-12-04T10:00:00Z' },
      { id: 'p3', name: 'C', risk: null, archived: false, createdAt: '2026-12-01T08:00:00Z' },
      { id: 'p4', name: 'D', risk: null, archived: true, createdAt: '2026-12-01T08:00:00Z' },
    ];
    const last = {
      meeting: { startedAt: '2026-12-04T09:00:00Z', preparedAt: '2026-12-04T08:30:00Z' },
      items: [{ personId: 'p3', result: 'carried_over', resultReason: 'Not reached in time' } as MeetingItem],
    };
    const agenda = buildAgenda(people, [{ personId: 'p1', createdAt: '2026-12-04T12:00:00Z' }], last);
    expect(agenda.map((e) => [e.personId, e.newSince, e.carried, e.carriedReason])).toEqual([
      ['p1', true, false, ''],
      ['p2', true, false, ''],
      ['p3', false, true, 'Not reached in time'],
    ]);
  });

  it('says what a person’s record lacks before they can be discussed', () => {
    const person = {
      sbarSituation: 'Fell',
      sbarBackground: '',
      sbarAssessment: '',
      sbarRecommendation: '',
      frailtyScore: null,
      risk: 'red' as const,
      whatMatters: '',
    };
    expect(missingToDiscuss(person, READINESS_NEEDS)).toEqual([
      'SBAR note',
      'frailty score',
      'what matters to them',
    ]);
    expect(missingToDiscuss(person, ['risk'])).toEqual([]);
  });
});

describe('running a meeting', () => {
  it('keeps the time on each person by the clock it is given, and says what became of everyone', () => {
    const { board, meetings } = boardWithPeople();
    const meeting = prepare(meetings, board, at('08:30:00'));
    const [first, second, third, fourth] = meetings.items(meeting.id);
    meetings.markItem(fourth!.id, 'note_only', { by: priya });
    meetings.start(meeting.id, { id: tom.id!, name: tom.name }, at('09:00:00'));
    expect(meetings.meeting(meeting.id)).toMatchObject({
      status: 'running',
      currentItemId: first!.id,
      chairName: tom.name,
    });
    meetings.step(meeting.id, second!.id, at('09:01:30'));
    meetings.recordOutcome(
      second!.id,
      { outcomeCode: 'decision', outcomeText: 'Refer to falls clinic' },
      { by: priya },
    );
    const newcomer = board.addPerson({ ...aPerson, nhsNumber: null, name: 'Dora Evans' }, { by: priya });
    const urgent = meetings.addUrgent(meeting.id, newcomer.id, { by: priya });
    expect(() => meetings.addUrgent(meeting.id, newcomer.id, { by: priya })).toThrow(
      'already on this agenda',
    );
    expect(urgent.order).toBeGreaterThan(second!.order);
    expect(urgent.order).toBeLessThan(third!.order);
    meetings.step(meeting.id, third!.id, at('09:02:00'));
    const finished = meetings.finish(meeting.id, 'Not reached in time', at('09:02:45'));
    expect(finished.status).toBe('finished');
    const items = new Map(meetings.items(meeting.id).map((item) => [item.id, item]));
    expect(items.get(first!.id)).toMatchObject({ secondsSpent: 90, result: 'discussed' });
    expect(items.get(second!.id)).toMatchObject({
      secondsSpent: 30,
      result: 'discussed',
      outcomeBy: priya.name,
    });
    expect(items.get(third!.id)).toMatchObject({ secondsSpent: 45, result: 'discussed' });
    expect(items.get(fourth!.id)).toMatchObject({ result: 'noted' });
    expect(items.get(urgent.id)).toMatchObject({
      result: 'carried_over',
      resultReason: 'Not reached in time',
    });
    expect(() =>
      meetings.recordOutcome(first!.id, { outcomeCode: 'no_change', outcomeText: '' }, { by: priya }),
    ).toThrow('Outcomes are written once the meeting has started');
    meetings.amend(meeting.id, first!.id, 'GP to be told by phone, not letter', { by: priya });
    const next = prepare(meetings, board, at('10:00:00'));
    const carried = meetings.items(next.id).find((item) => item.personId === urgent.personId);
    expect(carried).toMatchObject({ carried: true, carriedReason: 'Not reached in time' });
  });

  it('has one open meeting per board', () => {
    const { board, meetings } = boardWithPeople();
    prepare(meetings, board, at('08:30:00'));
    expect(() => prepare(meetings, board, at('08:31:00'))).toThrow(
      'Finish Daily handover before preparing another meeting',
    );
  });
});

describe('the meeting rules for a browser’s change', () => {
  const facts = (status: 'planned' | 'running' | 'finished'): MeetingFacts => ({
    meeting: (id) => (id === 'm1' ? { status, chairId: tom.id } : undefined),
    meetingItem: (id) => (id === 'i1' ? { meetingId: 'm1' } : undefined),
    hasPerson: (id) => id === 'p1' || id === 'p2',
    onAgenda: (_m, personId) => personId === 'p1',
    attending: () => false,
  });
  const item = {
    id: 'i1',
    meetingId: 'm1',
    personId: 'p1',
    order: 0,
    newSince: false,
    carried: false,
    carriedReason: '',
    urgent: false,
    addedBy: null,
    addedById: null,
    mark: null,
    markBy: null,
    outcomeCode: null,
    outcomeText: '',
    outcomeBy: null,
    outcomeById: null,
    outcomeAt: null,
    actionIds: [],
    tellActionId: null,
    secondsSpent: 0,
    result: null,
    resultReason: '',
  };
  const by = (actor: typeof priya) => () => actor;

  it('refuses any change to a meeting itself: the chair asks the server', () => {
    expect(
      meetingChangeProblem(
        'meetings',
        'm1',
        undefined,
        { status: 'running' },
        priya,
        by(priya),
        facts('planned'),
      ),
    ).toMatch(/by the server when its chair asks/);
  });

  it('lets members mark and write outcomes, but not the time or result', () => {
    const marked = { ...item, mark: 'discuss', markBy: priya.name };
    expect(
      meetingChangeProblem('meetingItems', 'i1', item, marked, null, by(priya), facts('planned')),
    ).toBeNull();
    const outcome = {
      ...item,
      outcomeCode: 'decision',
      outcomeText: 'x',
      outcomeBy: priya.name,
      outcomeById: priya.id,
    };
    expect(
      meetingChangeProblem('meetingItems', 'i1', item, outcome, null, by(priya), facts('planned')),
    ).toMatch(/once the meeting has started/);
    expect(
      meetingChangeProblem('meetingItems', 'i1', item, outcome, null, by(priya), facts('running')),
    ).toBeNull();
    expect(
      meetingChangeProblem(
        'meetingItems',
        'i1',
        item,
        { ...outcome, outcomeById: tom.id },
        null,
        by(priya),
        facts('running'),
      ),
    ).toMatch(/in the name of the person writing it/);
    // Changing what Priya wrote leaves it in her name: refused for Tom.
    const rewritten = { ...outcome, outcomeText: 'Something else' };
    expect(
      meetingChangeProblem('meetingItems', 'i1', outcome, rewritten, null, by(tom), facts('running')),
    ).toMatch(/in the name of the person writing it/);
    expect(
      meetingChangeProblem(
        'meetingItems',
        'i1',
        outcome,
        { ...rewritten, outcomeById: tom.id },
        null,
        by(tom),
        facts('running'),
      ),
    ).toBeNull();
    expect(
      meetingChangeProblem(
        'meetingItems',
        'i1',
        item,
        { ...item, secondsSpent: 900 },
        null,
        by(priya),
        facts('running'),
      ),
    ).toMatch(/Only the server/);
    expect(
      meetingChangeProblem('meetingItems', 'i1', item, outcome, null, by(priya), facts('finished')),
    ).toMatch(/signed amendment/);
    expect(
      meetingChangeProblem('meetingItems', 'i1', item, undefined, null, by(priya), facts('running')),
    ).toMatch(/never deleted/);
  });

  it('takes urgent additions in the adder’s name, once per person', () => {
    const urgent = {
      ...item,
      id: 'i2',
      personId: 'p2',
      urgent: true,
      addedBy: priya.name,
      addedById: priya.id,
    };
    expect(
      meetingChangeProblem('meetingItems', 'i2', undefined, urgent, priya, by(priya), facts('running')),
    ).toBeNull();
    expect(
      meetingChangeProblem(
        'meetingItems',
        'i2',
        undefined,
        { ...urgent, personId: 'p1' },
        priya,
        by(priya),
        facts('running'),
      ),
    ).toMatch(/already on this agenda/);
    expect(
      meetingChangeProblem(
        'meetingItems',
        'i2',
        undefined,
        { ...urgent, urgent: false },
        priya,
        by(priya),
        facts('running'),
      ),
    ).toMatch(/only as urgent additions/);
    expect(
      meetingChangeProblem('meetingItems', 'i2', undefined, urgent, tom, by(tom), facts('running')),
    ).toMatch(/in the name of/);
  });

  it('lets people join themselves and only the chair mark others present', () => {
    const joined = {
      id: 'a1',
      meetingId: 'm1',
      userId: priya.id,
      name: priya.name,
      how: 'joined',
      markedBy: priya.name,
      markedById: priya.id,
    };
    expect(
      meetingChangeProblem('meetingAttendance', 'a1', undefined, joined, priya, by(priya), facts('running')),
    ).toBeNull();
    expect(
      meetingChangeProblem('meetingAttendance', 'a1', undefined, joined, tom, by(tom), facts('running')),
    ).toMatch(/marked in the name/);
    const inRoom = { ...joined, how: 'room', markedBy: tom.name, markedById: tom.id };
    expect(
      meetingChangeProblem('meetingAttendance', 'a1', undefined, inRoom, tom, by(tom), facts('running')),
    ).toBeNull();
    const bySelf = { ...joined, how: 'room' };
    expect(
      meetingChangeProblem('meetingAttendance', 'a1', undefined, bySelf, priya, by(priya), facts('running')),
    ).toMatch(/Only the chair/);
    expect(
      meetingChangeProblem('meetingAttendance', 'a1', undefined, joined, priya, by(priya), facts('finished')),
    ).toMatch(/while the meeting runs/);
  });

  it('takes signed amendments only after the meeting, never changed', () => {
    const amendment = {
      id: 'x',
      meetingId: 'm1',
      itemId: 'i1',
      text: 'Also told the district nurse',
      by: priya.name,
      byId: priya.id,
    };
    expect(
      meetingChangeProblem(
        'meetingAmendments',
        'x',
        undefined,
        amendment,
        priya,
        by(priya),
        facts('finished'),
      ),
    ).toBeNull();
    expect(
      meetingChangeProblem(
        'meetingAmendments',
        'x',
        undefined,
        amendment,
        priya,
        by(priya),
        facts('running'),
      ),
    ).toMatch(/change the outcome itself/);
    expect(
      meetingChangeProblem('meetingAmendments', 'x', undefined, amendment, tom, by(tom), facts('finished')),
    ).toMatch(/signed by the person/);
    expect(
      meetingChangeProblem(
        'meetingAmendments',
        'x',
        amendment,
        { ...amendment, text: 'Changed' },
        priya,
        by(priya),
        facts('finished'),
      ),
    ).toMatch(/never changed/);
  });
});
