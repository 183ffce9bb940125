import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BoardDocument } from '#shared/board/boardDoc';
import { daysBetween } from '#shared/board/record';
import { ukToday, type ProgressFigures, type ProgressItems } from '#shared/progress';
import { createLogger } from '../src/log.ts';
import { loadConfig } from '../src/config.ts';
import { projectionHook } from '../src/projection/projectionHook.ts';
import { projectionIsCurrent } from '../src/projection/projectionTables.ts';
import { PostgresBoardStorage } from '../src/storage/postgresBoardStorage.ts';
import type { TransactionOrigin } from '../src/sync/origin.ts';
import { Room } from '../src/sync/Room.ts';
import { PROGRESS_CHANGED_EVERY_MS } from '../src/realtime/socketIo.ts';
import { refreshProgressRuns } from '../src/progress/progressRuns.ts';
import { roomPersistence } from '../src/sync/roomPersistence.ts';
import type { HuddleServer } from '../src/server.ts';
import { api, DEMO, signIn } from './support/auth.ts';
import { openAppSocket, handshake } from './support/appSocket.ts';
import { anAction, newBoard, TEST_PERSON_ID, TEST_TEAM_ID } from './support/boards.ts';
import { connectClient } from './support/clients.ts';
import { DATABASE_KINDS, useSharedServer } from './support/sharedServer.ts';

const quiet = createLogger('silent');
const TOM = { id: 'demo-tom-reid', name: 'Dr Tom Reid' };
const GRACE = { id: 'demo-grace-okafor', name: 'Grace Okafor' };
const ELM_TREE = 'elm-tree-practice';
const COMMUNITY = 'riverside-community';
const owners = {
  tom: { ownerId: TOM.id, ownerName: TOM.name, ownerOrganisationId: ELM_TREE },
  grace: { ownerId: GRACE.id, ownerName: GRACE.name, ownerOrganisationId: COMMUNITY },
};

/**
 * A board's history written as it happened, at the times given: each step runs in a room with the
 * server's projection hook, its clock set to the step's time, and is stored as the server stores it.
 */
async function writeHistory(
  server: HuddleServer,
  boardId: string,
  steps: [at: string, write: (board: BoardDocument, now: Date) => void, by?: { id: string; name: string }][],
): Promise<void> {
  const db = server.database.db;
  const storage = new PostgresBoardStorage(db, loadConfig({}).storage, quiet);
  let clock = new Date(steps[0]![0]);
  const room = new Room(
    boardId,
    roomPersistence(storage),
    [projectionHook({ isCurrent: (id) => projectionIsCurrent(db, id) }, quiet)],
    undefined,
    undefined,
    () => clock,
  );
  await room.load();
  for (const [at, write, by = GRACE] of steps) {
    clock = new Date(at);
    // The change is made by `by` (Grace unless a step names someone), as their connection would.
    const origin: TransactionOrigin = {
      source: 'server',
      user: { id: by.id, name: by.name, organisation: null, organisationId: null },
    };
    room.doc.transact(() => write(new BoardDocument(room.doc, origin), clock), origin);
  }
  await room.unload();
  await storage.flush();
}

const NAMES: Record<string, string> = {
  'person-1': 'Margaret Ellis',
  'person-2': 'Harold Bennett',
  'person-3': 'Edith Clarke',
  'person-4': 'Samuel Hughes',
};

const action = (title: string, owner: keyof typeof owners, dueDate: string) => ({
  title,
  ...owners[owner],
  dueDate,
  personId: 'person-1',
});

describe.each(DATABASE_KINDS)('progress figures (%s)', (kind) => {
  const server = useSharedServer(kind);
  const progress = async (email: string, query: string) =>
    api<ProgressFigures>(server().url, 'GET', `/api/progress?${query}`, {
      cookie: await signIn(server().url, email),
    });
  const progressItems = async (email: string, query: string) =>
    api<ProgressItems>(server().url, 'GET', `/api/progress/items?${query}`, {
      cookie: await signIn(server().url, email),
    });

  it('counts a week as a hand count does: actions across the October clock change, a completion undone, acceptances timed, by organisation; arrivals, step-downs, people per stage over its limit; goals agreed and achieved', async () => {
    const boardId = await newBoard(server().url, 'Progress fixed board', [TEST_TEAM_ID], { person: false });
    // The week of 19 to 25 October 2026: British Summer Time ends at 01:00 UTC on Sunday the 25th.
    // It starts at 23:00 UTC on the 18th and ends at midnight UTC on the 26th.
    let stage: Record<string, string> = {};
    const personAt = (b: BoardDocument, now: Date, id: string, at: string) => {
      b.addPerson({ name: NAMES[id]! }, { by: GRACE, now, id });
      b.movePersonToStage(id, stage[at]!, { by: GRACE, now });
    };
    await writeHistory(server(), boardId, [
      [
        '2026-10-12T08:00:00Z',
        (b) => {
          // The board has the frailty pathway: Identified may hold one person.
          stage = Object.fromEntries(
            b.readPathwayStages().flatMap((read) => (read.ok ? [[read.value.name, read.id]] : [])),
          );
          b.updateStage(stage.Identified!, { name: 'Identified', limit: 1 }, { by: GRACE });
        },
      ],
      // People: two arrive the week before, two in the week (over Identified's limit of one); one steps down.
      ['2026-10-12T09:00:00Z', (b, now) => personAt(b, now, 'person-1', 'Identified')],
      ['2026-10-13T09:00:00Z', (b, now) => personAt(b, now, 'person-3', 'Review')],
      ['2026-10-20T09:00:00Z', (b, now) => personAt(b, now, 'person-2', 'Identified')],
      ['2026-10-21T09:00:00Z', (b, now) => personAt(b, now, 'person-4', 'Identified')],
      [
        '2026-10-22T09:00:00Z',
        (b, now) => b.movePersonToStage('person-1', stage['Stepped down']!, { by: GRACE, now }),
      ],
      // Goals: one agreed the week before (led by the community trust) and achieved in the week; one agreed in the week (by the practice).
      [
        '2026-10-14T09:00:00Z',
        (b, now) =>
          b.addGoal(
            { personId: 'person-1', statement: 'I want to walk to the shop', leadOrganisationId: COMMUNITY },
            { by: GRACE, now, id: 'g1' },
          ),
      ],
      ['2026-10-21T09:00:00Z', (b, now) => b.updateGoal('g1', { status: 'achieved' }, { by: GRACE, now })],
      [
        '2026-10-19T09:00:00Z',
        (b, now) =>
          b.addGoal(
            { personId: 'person-2', statement: 'I want to sleep through', leadOrganisationId: ELM_TREE },
            { by: GRACE, now, id: 'g2' },
          ),
      ],
      // A1: proposed to Tom in the week before, accepted two days later, done in the week, on time.
      [
        '2026-10-13T09:00:00Z',
        (b, now) => b.addAction(action('A1', 'tom', '2026-10-21'), { by: GRACE, now, id: 'a1' }),
      ],
      [
        '2026-10-15T09:00:00Z',
        (b, now) => b.updateAction('a1', { status: 'accepted' }, { by: TOM, now }),
        TOM,
      ],
      ['2026-10-20T09:00:00Z', (b, now) => b.completeAction('a1', { by: TOM, now }), TOM],
      // A2: Grace's own, made at 00:30 BST on the 19th (the week's first day), done at 23:30 GMT on
      // the 25th (its last), a day after it was due.
      [
        '2026-10-18T23:30:00Z',
        (b, now) => b.addAction(action('A2', 'grace', '2026-10-24'), { by: GRACE, now, id: 'a2' }),
      ],
      ['2026-10-25T23:30:00Z', (b, now) => b.completeAction('a2', { by: GRACE, now })],
      // A3: made at 23:30 BST on the 18th (the week before), done in the week, reopened in it.
      [
        '2026-10-18T22:30:00Z',
        (b, now) => b.addAction(action('A3', 'grace', '2026-10-30'), { by: GRACE, now, id: 'a3' }),
      ],
      ['2026-10-21T22:30:00Z', (b, now) => b.completeAction('a3', { by: GRACE, now })],
      [
        '2026-10-22T10:00:00Z',
        (b, now) => b.updateAction('a3', { status: 'in_progress' }, { by: GRACE, now }),
      ],
      // A4: proposed to Tom, accepted a day and a half later; due long ago.
      [
        '2026-10-19T09:00:00Z',
        (b, now) => b.addAction(action('A4', 'tom', '2026-10-01'), { by: GRACE, now, id: 'a4' }),
      ],
      [
        '2026-10-20T21:00:00Z',
        (b, now) => b.updateAction('a4', { status: 'accepted' }, { by: TOM, now }),
        TOM,
      ],
      // A5: proposed by Tom to Grace, accepted six hours later; due far ahead.
      [
        '2026-10-21T09:00:00Z',
        (b, now) => b.addAction(action('A5', 'grace', '2099-01-01'), { by: TOM, now, id: 'a5' }),
        TOM,
      ],
      ['2026-10-21T15:00:00Z', (b, now) => b.updateAction('a5', { status: 'accepted' }, { by: GRACE, now })],
      // A6: made at 00:30 GMT on the 26th, after the week; due long ago.
      [
        '2026-10-26T00:30:00Z',
        (b, now) => b.addAction(action('A6', 'grace', '2026-10-02'), { by: GRACE, now, id: 'a6' }),
      ],
    ]);

    const week = `from=2026-10-19&to=2026-10-25&board=${boardId}`;
    const figures = await progress(DEMO.manager, week);
    expect(figures.status).toBe(200);
    expect(figures.body.period).toEqual({ from: '2026-10-19', to: '2026-10-25' });
    expect(figures.body.previous).toEqual({ from: '2026-10-12', to: '2026-10-18' });
    expect(figures.body.boards).toBe(1);
    expect(figures.body.actions).toEqual({
      // A2, A4, A5; the week before, A1 and A3.
      opened: { now: 3, before: 2 },
      // A1 and A2 (A3 was reopened before the week ended).
      completed: { now: 2, before: 0 },
      // A1 (A2 was done on the 25th in the UK, after its due date).
      completedOnTime: { now: 1, before: 0 },
      onTimePercent: { now: 50, before: null },
      // A3 (due 30 October, reopened), A4 and A6: open and due before today.
      overdueNow: 3,
      // A4 1.5 days and A5 0.25; the week before, A1 2 days.
      medianDaysToAccept: { now: 0.9, before: 2 },
      // A1 5 days from accepted, A2 7 days from made (already accepted).
      medianDaysToDone: { now: 6, before: null },
    });
    expect(figures.body.byOrganisation).toEqual([
      {
        organisationId: COMMUNITY,
        name: 'Riverside Community Health NHS Trust',
        open: 3,
        overdue: 2,
        medianDaysToAccept: 0.3,
      },
      {
        organisationId: ELM_TREE,
        name: 'Elm Tree Medical Practice',
        open: 1,
        overdue: 1,
        medianDaysToAccept: 1.5,
      },
    ]);

    // The week's trend: A3's completion was undone within it; at its end only A4 was open and overdue.
    expect(figures.body.weeks).toEqual([
      { weekStart: '2026-10-19', opened: 3, completed: 2, overdue: 1, arrivals: 2, steppedDown: 1 },
    ]);
    expect(figures.body.people.arrivals).toEqual({ now: 2, before: 2 });
    expect(figures.body.people.steppedDown).toEqual({ now: 1, before: 0 });
    expect(figures.body.goals).toEqual({ agreed: { now: 1, before: 1 }, achieved: { now: 1, before: 0 } });
    // Days at a stage run to today.
    const today = figures.body.today;
    expect(today).toBe(ukToday(new Date()));
    const since = (day: string) => daysBetween(day, today);
    expect(
      figures.body.people.stages.map((s) => [
        s.name,
        s.people,
        s.limit,
        s.boardsOverLimit,
        s.peopleOverLimit,
      ]),
    ).toEqual([
      ['Identified', 2, 1, 1, 1],
      ['Comprehensive Geriatric Assessment', 0, null, 0, 0],
      ['Care and support plan', 0, null, 0, 0],
      ['Interventions', 0, null, 0, 0],
      ['Review', 1, null, 0, 0],
      ['Stepped down', 1, null, 0, 0],
    ]);
    expect(figures.body.people.stages[1]!.daysInStage).toEqual({
      median: null,
      longest: null,
      bands: [0, 0, 0, 0, 0],
    });
    const identified = figures.body.people.stages[0]!.daysInStage;
    expect(identified.median).toBe((since('2026-10-20') + since('2026-10-21')) / 2);
    expect(identified.longest).toBe(since('2026-10-20'));
    expect(identified.bands.reduce((a, b) => a + b, 0)).toBe(2);
    expect(figures.body.people.stages[5]!.daysInStage.longest).toBe(since('2026-10-22'));

    // Every figure opens the list of what it counts, on the boards the manager may see.
    const listed = async (query: string) => {
      const response = await api<ProgressItems>(server().url, 'GET', `/api/progress/items?${week}&${query}`, {
        cookie: await signIn(server().url, DEMO.manager),
      });
      expect(response.status, query).toBe(200);
      return response.body.items.map((i) => i.id).sort();
    };
    expect(await listed('figure=opened')).toEqual(['a2', 'a4', 'a5']);
    expect(await listed('figure=opened&of=before')).toEqual(['a1', 'a3']);
    expect(await listed('figure=completed')).toEqual(['a1', 'a2']);
    expect(await listed('figure=completedOnTime')).toEqual(['a1']);
    expect(await listed('figure=overdue')).toEqual(['a3', 'a4', 'a6']);
    expect(await listed('figure=open')).toEqual(['a3', 'a4', 'a5', 'a6']);
    expect(await listed('figure=arrivals')).toEqual(['person-2', 'person-4']);
    expect(await listed('figure=arrivals&of=before')).toEqual(['person-1', 'person-3']);
    expect(await listed('figure=steppedDown')).toEqual(['person-1']);
    expect(await listed('figure=atStage&stage=Identified')).toEqual(['person-2', 'person-4']);
    expect(await listed('figure=agreed')).toEqual(['g2']);
    expect(await listed('figure=achieved')).toEqual(['g1']);
    expect(await listed(`figure=overdue&organisation=${ELM_TREE}`)).toEqual(['a4']);
    // Each says what a link to it needs, and names people by initials.
    const overdue = await api<ProgressItems>(
      server().url,
      'GET',
      `/api/progress/items?${week}&figure=overdue&organisation=${ELM_TREE}`,
      { cookie: await signIn(server().url, DEMO.manager) },
    );
    expect(overdue.body.items).toEqual([
      {
        recordType: 'actions',
        boardId,
        boardName: 'Progress fixed board',
        id: 'a4',
        title: 'A4',
        person: { id: 'person-1', initials: 'ME' },
        status: 'accepted',
        dueDate: '2026-10-01',
        ownerName: TOM.name,
        organisationName: 'Elm Tree Medical Practice',
        stageName: null,
        at: null,
      },
    ]);
    expect(overdue.body.truncated).toBe(false);

    // One organisation: Tom's practice's actions only.
    const practice = await progress(DEMO.manager, `${week}&organisation=${ELM_TREE}`);
    expect(practice.body.actions).toMatchObject({
      opened: { now: 1, before: 1 },
      completed: { now: 1, before: 0 },
      overdueNow: 1,
      medianDaysToAccept: { now: 1.5, before: 2 },
    });
    // And the goals it leads.
    expect(practice.body.goals).toEqual({ agreed: { now: 1, before: 0 }, achieved: { now: 0, before: 0 } });

    // The week after: A6 opened, nothing done; the week before it is the fixed week.
    const after = await progress(DEMO.manager, `from=2026-10-26&to=2026-11-01&board=${boardId}`);
    expect(after.body.actions.opened).toEqual({ now: 1, before: 3 });
    expect(after.body.actions.completed).toEqual({ now: 0, before: 2 });
    // By its end A3 (due 30 October) and A6 were overdue too.
    expect(after.body.weeks).toEqual([
      { weekStart: '2026-10-26', opened: 1, completed: 0, overdue: 3, arrivals: 0, steppedDown: 0 },
    ]);
    // A fortnight from a Wednesday touches three weeks, each from its Monday.
    const fortnight = await progress(DEMO.manager, `from=2026-10-14&to=2026-10-27&board=${boardId}`);
    // People: two arrived in the week of the 12th (both counted, though the fortnight starts on the 14th).
    expect(
      fortnight.body.weeks.map((w) => [
        w.weekStart,
        w.opened,
        w.completed,
        w.overdue,
        w.arrivals,
        w.steppedDown,
      ]),
    ).toEqual([
      ['2026-10-12', 2, 0, 0, 2, 0],
      ['2026-10-19', 3, 2, 1, 2, 1],
      ['2026-10-26', 1, 0, 3, 0, 0],
    ]);
  });

  it('shows a facilitator only their own teams’ boards, and refuses members and viewers', async () => {
    const boardId = await newBoard(server().url, 'Progress access board', [TEST_TEAM_ID], { person: false });
    const own = await progress(DEMO.facilitator, `board=${boardId}`);
    expect(own.status).toBe(200);
    expect(own.body.boards).toBe(1);
    // The discharge team's facilitator does not facilitate the frailty team: none of its boards.
    const other = await progress(DEMO.otherTeam, `board=${boardId}`);
    expect(other.status).toBe(200);
    expect(other.body.boards).toBe(0);
    for (const email of [DEMO.member, DEMO.viewer]) {
      const refused = await progress(email, '');
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        error: 'Progress is for managers, admins and the facilitators of a team',
      });
    }
    const anonymous = await api(server().url, 'GET', '/api/progress');
    expect(anonymous.status).toBe(401);
    // The lists behind the figures likewise.
    const memberList = await api(server().url, 'GET', '/api/progress/items?figure=overdue', {
      cookie: await signIn(server().url, DEMO.member),
    });
    expect(memberList.status).toBe(403);
    const otherList = await api<ProgressItems>(
      server().url,
      'GET',
      `/api/progress/items?figure=open&board=${boardId}`,
      { cookie: await signIn(server().url, DEMO.otherTeam) },
    );
    expect(otherList.body.items).toEqual([]);
  });

  it('narrows the figures to the people of a risk and a frailty score, and to a profession (of an action’s owner, of a person’s key worker)', async () => {
    const boardId = await newBoard(server().url, 'Progress filters board', [TEST_TEAM_ID], { person: false });
    let identified = '';
    await writeHistory(server(), boardId, [
      [
        '2026-11-02T09:00:00Z',
        (b, now) => {
          identified = b.readPathwayStages().find((read) => read.ok && read.value.name === 'Identified')!.id;
          b.updateStage(identified, { name: 'Identified', limit: 1 }, { by: GRACE });
          // Margaret: red, frailty 7, Tom's; Harold: green, frailty 3, Grace's. Both at Identified.
          b.addPerson(
            {
              name: NAMES['person-1']!,
              risk: 'red',
              riskReason: 'Lives alone',
              frailtyScore: 7,
              keyWorkerId: TOM.id,
              keyWorkerName: TOM.name,
            },
            { by: GRACE, now, id: 'person-1' },
          );
          b.addPerson(
            {
              name: NAMES['person-2']!,
              risk: 'green',
              riskReason: 'Family nearby',
              frailtyScore: 3,
              keyWorkerId: GRACE.id,
              keyWorkerName: GRACE.name,
            },
            { by: GRACE, now, id: 'person-2' },
          );
          b.movePersonToStage('person-1', identified, { by: GRACE, now });
          b.movePersonToStage('person-2', identified, { by: GRACE, now });
          b.addGoal(
            { personId: 'person-1', statement: 'I want to stay at home' },
            { by: GRACE, now, id: 'g1' },
          );
          b.addGoal(
            { personId: 'person-2', statement: 'I want to garden again' },
            { by: GRACE, now, id: 'g2' },
          );
        },
      ],
      // b1: Margaret's, Grace's own; b2: Harold's, Tom's; b3: Margaret's, Tom's.
      [
        '2026-11-03T09:00:00Z',
        (b, now) => b.addAction(action('B1', 'grace', '2099-01-01'), { by: GRACE, now, id: 'b1' }),
      ],
      [
        '2026-11-04T09:00:00Z',
        (b, now) =>
          b.addAction(
            { ...action('B2', 'tom', '2099-01-01'), personId: 'person-2' },
            { by: GRACE, now, id: 'b2' },
          ),
      ],
      [
        '2026-11-05T09:00:00Z',
        (b, now) => b.addAction(action('B3', 'tom', '2099-01-01'), { by: GRACE, now, id: 'b3' }),
      ],
    ]);
    const week = `from=2026-11-02&to=2026-11-08&board=${boardId}`;
    const counts = async (filters: string) => {
      const { status, body } = await progress(DEMO.manager, `${week}&${filters}`);
      expect(status, filters).toBe(200);
      const identifiedNow = body.people.stages.find((stage) => stage.name === 'Identified')!;
      return {
        opened: body.actions.opened.now,
        arrivals: body.people.arrivals.now,
        agreed: body.goals.agreed.now,
        atIdentified: identifiedNow.people,
        overLimit: identifiedNow.peopleOverLimit,
      };
    };
    expect(await counts('')).toEqual({ opened: 3, arrivals: 2, agreed: 2, atIdentified: 2, overLimit: 1 });
    // Margaret's records: the stage still counts both people against its limit.
    const margaret = { opened: 2, arrivals: 1, agreed: 1, atIdentified: 1, overLimit: 1 };
    expect(await counts('risk=red')).toEqual(margaret);
    expect(await counts('frailty=5')).toEqual(margaret);
    expect(await counts('frailty=3')).toEqual({
      opened: 3,
      arrivals: 2,
      agreed: 2,
      atIdentified: 2,
      overLimit: 1,
    });
    expect(await counts('frailty=8')).toEqual({
      opened: 0,
      arrivals: 0,
      agreed: 0,
      atIdentified: 0,
      overLimit: 1,
    });
    // The GP's: actions he owns (b2, b3); the person he is key worker for, and her goal.
    expect(await counts('profession=GP')).toEqual({
      opened: 2,
      arrivals: 1,
      agreed: 1,
      atIdentified: 1,
      overLimit: 1,
    });
    // Together: the GP's actions for green-risk people (b2); no green-risk person is his.
    expect(await counts('profession=GP&risk=green')).toEqual({
      opened: 1,
      arrivals: 0,
      agreed: 0,
      atIdentified: 0,
      overLimit: 1,
    });
    // The lists agree with the counts.
    const listed = async (query: string) =>
      (
        await api<ProgressItems>(server().url, 'GET', `/api/progress/items?${week}&${query}`, {
          cookie: await signIn(server().url, DEMO.manager),
        })
      ).body.items
        .map((item) => item.id)
        .sort();
    expect(await listed('figure=opened&risk=red')).toEqual(['b1', 'b3']);
    expect(await listed('figure=opened&profession=GP')).toEqual(['b2', 'b3']);
    expect(await listed('figure=atStage&stage=Identified&frailty=5')).toEqual(['person-1']);
    // The page offers the professions of the boards' teams.
    const { body } = await progress(DEMO.manager, week);
    expect(body.choices.professions).toEqual(expect.arrayContaining(['GP', 'Community matron']));
    expect(body.choices.boards.map((board) => board.id)).toContain(boardId);
  });

  it('counts an action handed across organisations once, under its owner now, and each acceptance for whoever accepted it', async () => {
    const boardId = await newBoard(server().url, 'Progress handed-on board', [TEST_TEAM_ID]);
    await writeHistory(server(), boardId, [
      [
        '2026-11-09T09:00:00Z',
        (b, now) => b.addAction(action('R1', 'tom', '2099-01-01'), { by: GRACE, now, id: 'r1' }),
      ],
      // Tom accepts it a day later, then hands it to Grace: proposed to her, accepted a day and a half on.
      [
        '2026-11-10T09:00:00Z',
        (b, now) => b.updateAction('r1', { status: 'accepted' }, { by: TOM, now }),
        TOM,
      ],
      ['2026-11-11T09:00:00Z', (b, now) => b.updateAction('r1', { ...owners.grace }, { by: TOM, now }), TOM],
      ['2026-11-12T21:00:00Z', (b, now) => b.updateAction('r1', { status: 'accepted' }, { by: GRACE, now })],
    ]);
    const week = `from=2026-11-09&to=2026-11-15&board=${boardId}`;
    const { body } = await progress(DEMO.manager, week);
    expect(body.actions.opened.now).toBe(1);
    // The median of 1 and 1.5 days.
    expect(body.actions.medianDaysToAccept.now).toBe(1.3);
    expect(body.byOrganisation).toEqual([
      {
        organisationId: COMMUNITY,
        name: 'Riverside Community Health NHS Trust',
        open: 1,
        overdue: 0,
        medianDaysToAccept: 1.5,
      },
      // The practice owns nothing now, but accepted it in a day.
      {
        organisationId: ELM_TREE,
        name: 'Elm Tree Medical Practice',
        open: 0,
        overdue: 0,
        medianDaysToAccept: 1,
      },
    ]);
    expect(body.weeks.map((w) => [w.weekStart, w.opened, w.completed, w.overdue])).toEqual([
      ['2026-11-09', 1, 0, 0],
    ]);
    // The organisation filter follows the owner now.
    const practice = await progress(DEMO.manager, `${week}&organisation=${ELM_TREE}`);
    expect(practice.body.actions.opened.now).toBe(0);
    const community = await progress(DEMO.manager, `${week}&organisation=${COMMUNITY}`);
    expect(community.body.actions.opened.now).toBe(1);
  });

  it('reads each action’s due date and person as they are now: moving them after the fact moves on time, the weeks it was overdue and the risk it counts under', async () => {
    const boardId = await newBoard(server().url, 'Progress due-date board', [TEST_TEAM_ID], {
      person: false,
    });
    await writeHistory(server(), boardId, [
      [
        '2026-11-02T09:00:00Z',
        (b, now) => {
          for (const [id, risk] of [
            ['person-1', 'red'],
            ['person-2', 'green'],
          ] as const)
            b.addPerson({ name: NAMES[id]!, risk, riskReason: 'Assessed' }, { by: GRACE, now, id });
          // About Margaret (red).
          b.addAction(action('D1', 'grace', '2026-11-04'), { by: GRACE, now, id: 'd1' });
        },
      ],
      // Done on Wednesday 11 November, a week after it was due.
      ['2026-11-11T10:00:00Z', (b, now) => b.completeAction('d1', { by: GRACE, now })],
    ]);
    const fortnight = `from=2026-11-02&to=2026-11-15&board=${boardId}`;
    const late = (await progress(DEMO.manager, fortnight)).body;
    expect([late.actions.completed.now, late.actions.completedOnTime.now]).toEqual([1, 0]);
    // Overdue at the end of its first week; done before the end of the second.
    expect(late.weeks.map((w) => [w.weekStart, w.overdue, w.completed])).toEqual([
      ['2026-11-02', 1, 0],
      ['2026-11-09', 0, 1],
    ]);
    // The due date is put back to the day it was done: it was never late.
    await writeHistory(server(), boardId, [
      [
        '2026-11-20T09:00:00Z',
        (b, now) => b.updateAction('d1', { dueDate: '2026-11-11' }, { by: GRACE, now }),
      ],
    ]);
    const onTime = (await progress(DEMO.manager, fortnight)).body;
    expect([onTime.actions.completed.now, onTime.actions.completedOnTime.now]).toEqual([1, 1]);
    expect(onTime.weeks.map((w) => [w.weekStart, w.overdue, w.completed])).toEqual([
      ['2026-11-02', 0, 0],
      ['2026-11-09', 0, 1],
    ]);
    const list = await progressItems(DEMO.manager, `${fortnight}&figure=completedOnTime&of=now`);
    expect(list.body.items.map((item) => item.id)).toEqual(['d1']);
    // It was about Harold (green) all along: it counts under his risk now, and not under hers.
    const red = `${fortnight}&risk=red`;
    const green = `${fortnight}&risk=green`;
    expect((await progress(DEMO.manager, red)).body.actions.completed.now).toBe(1);
    expect((await progress(DEMO.manager, green)).body.actions.completed.now).toBe(0);
    await writeHistory(server(), boardId, [
      [
        '2026-11-21T09:00:00Z',
        (b, now) => b.updateAction('d1', { personId: 'person-2' }, { by: GRACE, now }),
      ],
    ]);
    expect((await progress(DEMO.manager, red)).body.actions.completed.now).toBe(0);
    expect((await progress(DEMO.manager, green)).body.actions.completed.now).toBe(1);
  });

  it('keeps the runs of an action whose stored due date is not a real day, with no due day, rather than failing the write', async () => {
    const boardId = await newBoard(server().url, 'Progress odd due dates board', [TEST_TEAM_ID]);
    const db = server().database.db;
    const dues = { a1: '2026-02-30', a2: 'next week', a3: '2028-02-29', a4: '0000-01-01' };
    for (const [id, due] of Object.entries(dues)) {
      await db
        .insertInto('projected_actions')
        .values({ board_id: boardId, id, status: 'accepted', due_date: due, record: JSON.stringify({}) })
        .execute();
      await db
        .insertInto('record_transitions')
        .values({
          board_id: boardId,
          collection: 'actions',
          record_id: id,
          kind: 'created',
          from_value: null,
          to_value: 'accepted',
          at: new Date('2026-11-02T09:00:00Z'),
          user_id: null,
          source: 'change',
        })
        .execute();
    }
    await refreshProgressRuns(db, {
      rewritten: Object.keys(dues).map((id) => ({ board_id: boardId, record_id: id })),
      updated: [],
      removed: [],
    });
    const runs = await db
      .selectFrom('progress_runs')
      .select(['action_id', sql<string | null>`due_on::text`.as('due'), 'made'])
      .where('board_id', '=', boardId)
      .orderBy('action_id')
      .execute();
    expect(runs).toEqual([
      { action_id: 'a1', due: null, made: true },
      { action_id: 'a2', due: null, made: true },
      { action_id: 'a3', due: '2028-02-29', made: true },
      { action_id: 'a4', due: null, made: true },
    ]);
  });

  it('tells following pages that may see a board when its figures change, the last change of a burst too, and refuses to follow for members', async () => {
    const { url } = server();
    const boardId = await newBoard(url, 'Progress live board', [TEST_TEAM_ID]);
    // Boards made before (this one, and earlier tests') may still owe the last message of a burst:
    // following starts once they have told it.
    await new Promise((resolve) => setTimeout(resolve, PROGRESS_CHANGED_EVERY_MS + 100));
    const follower = async (email: string) => {
      const socket = openAppSocket(url, { cookie: await signIn(url, email) });
      expect(await handshake(socket)).toBe('connected');
      const told = { count: 0 };
      socket.on('progress:changed', () => told.count++);
      return { socket, told, answer: await socket.timeout(5_000).emitWithAck('progress:follow') };
    };
    const manager = await follower(DEMO.manager);
    expect(manager.answer).toEqual({ ok: true });
    // The discharge team's facilitator follows, but this board is not theirs to see.
    const other = await follower(DEMO.otherTeam);
    expect(other.answer).toEqual({ ok: true });
    const member = await follower(DEMO.member);
    expect(member.answer).toMatchObject({ ok: false, status: 403 });
    // What a broken client sends is ignored; many asks at once share one answer.
    const raw = manager.socket as unknown as { emit(event: string, ...args: unknown[]): void };
    raw.emit('progress:follow');
    raw.emit('progress:follow', 'not a callback', 42);
    raw.emit('progress:unfollow', { junk: true });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => manager.socket.timeout(5_000).emitWithAck('progress:follow')),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, () => ({ ok: true })));

    const grace = connectClient(url, boardId, { cookie: await signIn(url, DEMO.member) });
    await grace.synced();
    grace.board.addAction(anAction('First of a burst'), { by: GRACE });
    await expect.poll(() => manager.told.count, { timeout: 10_000 }).toBe(1);
    // Two more changes straight after: within the wait, and told once when it ends.
    grace.board.addAction(anAction('Second of a burst'), { by: GRACE });
    await server().sync.flush();
    grace.board.addAction(anAction('Third of a burst'), { by: GRACE });
    await expect.poll(() => manager.told.count, { timeout: 10_000 }).toBe(2);
    // A comment alone moves no figure (once the wait after the last change is over).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    grace.board.addComment(
      { subjectType: 'people', subjectId: TEST_PERSON_ID, body: 'Called her daughter', mentions: [] },
      { by: GRACE },
    );
    await server().sync.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(manager.told.count).toBe(2);
    expect(other.told.count).toBe(0);
    expect(member.told.count).toBe(0);
    // Stopped following, nothing more.
    manager.socket.emit('progress:unfollow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    grace.board.addAction(anAction('After unfollowing'), { by: GRACE });
    await server().sync.flush();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(manager.told.count).toBe(2);
    grace.destroy();
  });

  it('refuses a period it cannot read, clearly, naming the field', async () => {
    const cases: [string, string][] = [
      ['from=2026-02-30', 'Give the first day as YYYY-MM-DD'],
      ['from=yesterday', 'Give the first day as YYYY-MM-DD'],
      ['from=2026-10-01&from=2026-10-02', 'Give the first day as YYYY-MM-DD'],
      ['organisation=', 'Name one organisation by its id'],
      ['from=2026-10-25&to=2026-10-19', 'The last day must be on or after the first'],
      ['from=2025-01-01&to=2026-12-31', 'Choose a period of 366 days or fewer'],
      [`board=${'x'.repeat(200)}`, 'Name a board by an id of 128 characters or fewer'],
      ['risk=purple', 'Choose red, amber or green'],
      ['frailty=10', 'Choose a frailty score from 1 to 9'],
      ['frailty=0', 'Choose a frailty score from 1 to 9'],
      ['frailty=5.5', 'Choose a frailty score from 1 to 9'],
      ['profession=', 'Name one profession'],
      [`profession=${'p'.repeat(121)}`, 'Name a profession in 120 characters or fewer'],
    ];
    for (const [query, message] of cases) {
      const refused = await progress(DEMO.manager, query);
      expect(refused.status, query).toBe(400);
      expect(JSON.stringify(refused.body), query).toContain(message);
    }
    const listCases: [string, string][] = [
      ['', 'Choose a figure to list'],
      ['figure=everything', 'Choose a figure to list'],
      ['figure=opened&of=later', 'Choose now or before'],
      ['figure=atStage', 'Name the stage'],
      [`figure=atStage&stage=${'s'.repeat(81)}`, 'Name a stage in 80 characters or fewer'],
      ['figure=opened&from=2026-13-01', 'Give the first day as YYYY-MM-DD'],
    ];
    for (const [query, message] of listCases) {
      const refused = await api(server().url, 'GET', `/api/progress/items?${query}`, {
        cookie: await signIn(server().url, DEMO.manager),
      });
      expect(refused.status, query).toBe(400);
      expect(JSON.stringify(refused.body), query).toContain(message);
    }
  });
});
