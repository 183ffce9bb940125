import { describe, expect, it } from 'vitest';
import type { MyWork, WorkCounts } from '#shared/work';
import { api, DEMO, signIn } from './support/auth.ts';
import { openAppSocket, handshake } from './support/appSocket.ts';
import {
  actionTitles,
  anAction,
  by,
  GRACE,
  newBoard,
  TEST_PERSON_ID,
  TEST_TEAM_ID,
  testDb,
} from './support/boards.ts';
import { connectClient, type TestClient } from './support/clients.ts';
import { DATABASE_KINDS, useSharedServer } from './support/sharedServer.ts';
import { startTestServer } from './support/server.ts';

/** The demo physiotherapist: a member of both the frailty and the discharge team. */
const DAN = { id: 'demo-dan-morris', name: 'Dan Morris', email: 'dan.morris@riverside-hospital.example' };
const NINA = { id: 'demo-nina-brooks', name: 'Nina Brooks' };
const DISCHARGE_TEAM = 'riverside-discharge-team';

async function openBoard(url: string, boardId: string, email: string): Promise<TestClient> {
  const client = connectClient(url, boardId, { cookie: await signIn(url, email) });
  await client.synced();
  return client;
}

/** An action for Margaret Ellis proposed to Dan. */
const forDan = (title: string) => ({
  ...anAction(title),
  ownerId: DAN.id,
  ownerName: DAN.name,
  ownerOrganisationId: 'riverside-hospital',
});

describe.each(DATABASE_KINDS)('My work on %s', (kind) => {
  const server = useSharedServer(kind);

  const myWork = async (email: string, query = '') =>
    api<MyWork>(server().url, 'GET', `/api/my-work${query}`, { cookie: await signIn(server().url, email) });

  /** A frailty board and a discharge board, each with an action proposed to Dan, stored. */
  async function twoTeamsProposeToDan(tag: string) {
    const { url } = server();
    const frailty = await newBoard(url, `Frailty MDT ${tag}`, [TEST_TEAM_ID]);
    const discharge = await newBoard(url, `Discharge ${tag}`, [DISCHARGE_TEAM], { person: false });
    const grace = await openBoard(url, frailty, DEMO.member);
    const nina = await openBoard(url, discharge, DEMO.otherTeam);
    const fromGrace = grace.board.addAction(forDan(`Falls review ${tag}`), { by: GRACE });
    nina.board.addPerson({ name: 'Arthur Brown' }, { by: NINA, id: 'arthur' });
    const fromNina = nina.board.addAction(
      { ...forDan(`Home exercise plan ${tag}`), personId: 'arthur' },
      { by: NINA },
    );
    // Stored, and so in Dan's list.
    await expect
      .poll(
        async () =>
          (await myWork(DAN.email)).body.items.filter((i) => [fromGrace.id, fromNina.id].includes(i.id))
            .length,
      )
      .toBe(2);
    grace.destroy();
    nina.destroy();
    return { frailty, discharge, fromGrace, fromNina };
  }

  it('lists the actions a physiotherapist on two teams owns on both boards in one list, with board, person and proposer', async () => {
    const { frailty, discharge, fromGrace, fromNina } = await twoTeamsProposeToDan('one-list');
    const response = await myWork(DAN.email);
    expect(response.status).toBe(200);
    const mine = response.body.items.filter((item) => [fromGrace.id, fromNina.id].includes(item.id));
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: fromGrace.id,
          boardId: frailty,
          boardName: 'Frailty MDT one-list',
          title: 'Falls review one-list',
          status: 'proposed',
          dueDate: '2026-12-01',
          person: { id: TEST_PERSON_ID, name: 'Margaret Ellis', initials: 'ME' },
          createdBy: { id: GRACE.id, name: GRACE.name },
          owner: expect.objectContaining({
            id: DAN.id,
            organisationName: 'Riverside University Hospitals NHS Foundation Trust',
          }),
          needsAttention: false,
        }),
        expect.objectContaining({
          id: fromNina.id,
          boardId: discharge,
          person: expect.objectContaining({ initials: 'AB' }),
        }),
      ]),
    );
    expect(mine).toHaveLength(2);
    // Filters narrow it: one board; one person; one status.
    const onFrailty = await myWork(DAN.email, `?board=${encodeURIComponent(frailty)}`);
    expect(onFrailty.body.items.map((item) => item.boardId)).toEqual([frailty]);
    const forArthur = await myWork(DAN.email, '?person=arthur');
    expect(forArthur.body.items.map((item) => item.id)).toEqual([fromNina.id]);
    // Done: only done actions (the demo's history has some of his), none of the proposals.
    const done = (await myWork(DAN.email, '?status=done')).body.items;
    expect(done.every((item) => item.status === 'done' && item.owner.id === DAN.id)).toBe(true);
    expect(done.map((item) => item.id)).not.toEqual(expect.arrayContaining([fromGrace.id]));
    expect(done.map((item) => item.id)).not.toEqual(expect.arrayContaining([fromNina.id]));
    expect((await myWork(DAN.email, `?status=done&board=${encodeURIComponent(frailty)}`)).body.items).toEqual(
      [],
    );
    // The board list's counts: his open actions per board, and those waiting for him to accept.
    const counts = await api<WorkCounts>(server().url, 'GET', '/api/my-work/counts', {
      cookie: await signIn(server().url, DAN.email),
    });
    expect(counts.body.find((c) => c.boardId === frailty)).toMatchObject({ open: 1, toAccept: 1 });
    expect(counts.body.find((c) => c.boardId === discharge)).toMatchObject({ open: 1, toAccept: 1 });
  });

  it('shows the proposer what is not yet accepted, and facilitators their organisation’s actions on their own boards only', async () => {
    const { fromGrace, fromNina } = await twoTeamsProposeToDan('proposed');
    expect((await myWork(DEMO.member)).body.proposedByMe.map((item) => item.id)).toContain(fromGrace.id);
    // Nina facilitates the discharge team and works for Dan's organisation: she sees his discharge
    // action, never the one on the frailty board she cannot open.
    const organisation = await myWork(DEMO.otherTeam, '?scope=organisation');
    expect(organisation.status).toBe(200);
    const ids = organisation.body.items.map((item) => item.id);
    expect(ids).toContain(fromNina.id);
    expect(ids).not.toContain(fromGrace.id);
    expect(organisation.body.boards.map((b) => b.boardName).join()).not.toMatch(/Frailty MDT proposed/);
    // A member who facilitates nothing is refused, in words.
    const refused = await myWork(DEMO.member, '?scope=organisation');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: expect.stringMatching(/managers and facilitators/) });
    // Nobody sees actions of a board they cannot open by naming it.
    const named = await myWork(DEMO.otherTeam, `?scope=organisation&board=${fromGrace.id}`);
    expect(named.body.items).toEqual([]);
  });

  it('refuses a malformed query with a clear error, and anyone not signed in', async () => {
    const bad = await myWork(DAN.email, '?status=maybe');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/Choose a status/);
    const long = await myWork(DAN.email, `?board=${'x'.repeat(500)}`);
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toMatch(/128 characters or fewer/);
    expect(JSON.stringify((await myWork(DAN.email, '?scope=everyone')).body)).toMatch(
      /Choose mine or organisation/,
    );
    expect((await api(server().url, 'GET', '/api/my-work')).status).toBe(401);
  });

  it('tells the owner’s open pages when an action is proposed to them, once it is stored', async () => {
    const { url } = server();
    const frailty = await newBoard(url, 'Frailty MDT live', [TEST_TEAM_ID]);
    const socket = openAppSocket(url, { cookie: await signIn(url, DAN.email) });
    expect(await handshake(socket)).toBe('connected');
    let told = 0;
    socket.on('work:changed', () => told++);
    // Grace, who proposes it, is told too (the action is among those she proposed).
    const graceSocket = openAppSocket(url, { cookie: await signIn(url, DEMO.member) });
    expect(await handshake(graceSocket)).toBe('connected');
    let graceTold = 0;
    graceSocket.on('work:changed', () => graceTold++);
    const grace = await openBoard(url, frailty, DEMO.member);
    const action = grace.board.addAction(forDan('Proposed while he watches'), { by: GRACE });
    await expect.poll(() => told, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => graceTold).toBeGreaterThan(0);
    expect((await myWork(DAN.email)).body.items.map((item) => item.id)).toContain(action.id);
    // Someone else's action tells him nothing.
    const before = told;
    grace.board.addAction(anAction('Priya’s own'), { by: by() });
    await server().sync.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(told).toBe(before);
    grace.destroy();
  });
});

describe('My work news', () => {
  it('one group commit writing several boards tells a person once', async () => {
    // Stored only when the test says, so that both boards' changes go in one commit.
    const server = await startTestServer({ db: await testDb(), storage: { flushIntervalMs: 60_000 } });
    const { url } = server;
    const frailty = await newBoard(url, 'Frailty MDT news', [TEST_TEAM_ID]);
    const discharge = await newBoard(url, 'Discharge news', [DISCHARGE_TEAM], { person: false });
    const socket = openAppSocket(url, { cookie: await signIn(url, DAN.email) });
    expect(await handshake(socket)).toBe('connected');
    let told = 0;
    socket.on('work:changed', () => told++);
    const grace = await openBoard(url, frailty, DEMO.member);
    const nina = await openBoard(url, discharge, DEMO.otherTeam);
    const watchers = [
      await openBoard(url, frailty, DEMO.member),
      await openBoard(url, discharge, DEMO.otherTeam),
    ];
    nina.board.addPerson({ name: 'Arthur Brown' }, { by: NINA, id: 'arthur' });
    await server.sync.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    told = 0;

    grace.board.addAction(forDan('Proposed on the frailty board'), { by: GRACE });
    nina.board.addAction({ ...forDan('Proposed on the discharge board'), personId: 'arthur' }, { by: NINA });
    // The server holds both (its other clients have them), not yet stored.
    await expect.poll(() => watchers.map((w) => actionTitles(w).length)).toEqual([1, 1]);
    expect(told).toBe(0);
    await server.sync.flush();
    await expect.poll(() => told).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(told).toBe(1);
  });
});
