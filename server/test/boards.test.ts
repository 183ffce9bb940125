import { gunzipSync } from 'node:zlib';
import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '#shared/api';
import type { BoardSummary } from '#shared/boards';
import { PATHWAY_TEMPLATES } from '#shared/board/pathway';
import { CloseCode } from '#shared/sync/closeCodes';
import type { BoardMember } from '#shared/boards';
import type { AuditEntry } from '#shared/audit';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import { DEMO, api, signedIn } from './support/auth.ts';
import { GRACE, testDb } from './support/boards.ts';
import { boardSnapshotPath, type BoardSnapshot } from '#shared/board/snapshot';
import { COLLECTION_NAMES } from '#shared/board/records';
import { connectClient } from './support/clients.ts';
import { startTestServer } from './support/server.ts';

const FRAILTY_TEAM = { id: 'riverside-frailty-team', name: 'Riverside frailty MDT' };
const DISCHARGE_TEAM = { id: 'riverside-discharge-team', name: 'Riverside hospital discharge team' };

describe('boards API', () => {
  it('creates a board from the frailty template: its owning team opens it with the six stages in its document', async () => {
    const server = await startTestServer({ db: await testDb() });
    const [tom, grace, nina] = await Promise.all([
      signedIn(server.url, DEMO.facilitator),
      signedIn(server.url, DEMO.member),
      signedIn(server.url, DEMO.otherTeam),
    ]);
    const created = await tom.post<BoardSummary>('/api/boards', {
      name: '  Virtual ward  ',
      teamIds: [FRAILTY_TEAM.id],
    });
    expect(created.status).toBe(201);
    const board = created.body;
    expect(board).toMatchObject({ name: 'Virtual ward', access: 'edit', teams: [FRAILTY_TEAM] });

    expect((await grace.get<BoardSummary>(`/api/boards/${board.id}`)).body).toEqual(board);
    expect((await grace.get<BoardSummary[]>('/api/boards')).body).toContainEqual(board);
    const client = connectClient(server.url, board.id, { cookie: grace.cookie });
    await client.synced();
    const stages = client.board.readPathwayStages();
    expect(stages.map((s) => s.ok && s.value)).toEqual(
      PATHWAY_TEMPLATES.frailty.stages.map((name, order) => ({ name, order, limit: null })),
    );
    expect(new Set(stages.map((s) => s.id)).size).toBe(6);
    // The stages are in the audit trail as the creator's doing.
    const trail = await grace.get<AuditEntry[]>(
      `/api/boards/${board.id}/history?recordType=pathwayStages&recordId=${stages[0]!.id}`,
    );
    expect(trail.body.map((e) => [e.user?.name, e.field, e.before, e.after])).toEqual(
      expect.arrayContaining([['Dr Tom Reid', 'name', null, 'Identified']]),
    );

    const outsider = await nina.get<ApiError>(`/api/boards/${board.id}`);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error).toBe('You do not have access to this board');
    expect((await nina.get<BoardSummary[]>('/api/boards')).body.map((b) => b.id)).not.toContain(board.id);
  });

  it('lets an admin create a blank board for any team; admins outside the team only view it', async () => {
    const server = await startTestServer({ db: await testDb() });
    const [admin, nina] = await Promise.all([
      signedIn(server.url, DEMO.admin),
      signedIn(server.url, DEMO.otherTeam),
    ]);
    const created = await admin.post<BoardSummary>('/api/boards', {
      name: 'Discharge huddle',
      pathwayTemplate: 'blank',
      teamIds: [DISCHARGE_TEAM.id, FRAILTY_TEAM.id, DISCHARGE_TEAM.id],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ access: 'view', teams: [FRAILTY_TEAM, DISCHARGE_TEAM] });
    expect((await nina.get<BoardSummary>(`/api/boards/${created.body.id}`)).body.access).toBe('edit');
    const client = connectClient(server.url, created.body.id, { cookie: nina.cookie });
    await client.synced();
    expect(client.board.readPathwayStages()).toEqual([]);
  });

  it('refuses boards for teams the caller does not facilitate, and for teams that do not exist', async () => {
    const server = await startTestServer({ db: await testDb() });
    const [admin, tom, grace] = await Promise.all([
      signedIn(server.url, DEMO.admin),
      signedIn(server.url, DEMO.facilitator),
      signedIn(server.url, DEMO.member),
    ]);
    const before = (await admin.get<BoardSummary[]>('/api/boards')).body;

    for (const [caller, teamIds] of [
      [tom, [DISCHARGE_TEAM.id]],
      [tom, [FRAILTY_TEAM.id, DISCHARGE_TEAM.id]],
      [grace, [FRAILTY_TEAM.id]],
    ] as const) {
      const refused = await caller.post<ApiError>('/api/boards', { name: 'Not mine', teamIds });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('You can only create boards for teams you facilitate');
    }
    const unknown = await admin.post<ApiError>('/api/boards', { name: 'Nobody', teamIds: ['no-such-team'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues?.[0]?.path).toBe('teamIds');
    const noTeam = await admin.post<ApiError>('/api/boards', { name: 'Nobody', teamIds: [] });
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.error).toBe('Choose at least one team to own the board');
    const noTemplate = await admin.post<ApiError>('/api/boards', {
      name: 'Nobody',
      teamIds: [FRAILTY_TEAM.id],
      pathwayTemplate: 'stroke',
    });
    expect(noTemplate.status).toBe(400);
    expect(noTemplate.body.issues?.[0]?.path).toBe('pathwayTemplate');
    expect(
      (await api(server.url, 'POST', '/api/boards', { body: { name: 'X', teamIds: [FRAILTY_TEAM.id] } }))
        .status,
    ).toBe(401);

    expect((await admin.get<BoardSummary[]>('/api/boards')).body).toEqual(before);
  });

  it('lets an admin rename a board and hand it to another team: access follows at once', async () => {
    const server = await startTestServer({ db: await testDb() });
    const [admin, tom, grace, nina] = await Promise.all([
      signedIn(server.url, DEMO.admin),
      signedIn(server.url, DEMO.facilitator),
      signedIn(server.url, DEMO.member),
      signedIn(server.url, DEMO.otherTeam),
    ]);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    await client.synced();

    expect((await tom.patch(`/api/boards/${DEMO_BOARD_ID}`, { name: 'Mine now' })).status).toBe(403);
    const renamed = await admin.patch<BoardSummary>(`/api/boards/${DEMO_BOARD_ID}`, {
      name: 'Frailty huddle',
    });
    expect(renamed.body).toMatchObject({ name: 'Frailty huddle', teams: [FRAILTY_TEAM] });
    expect((await grace.get<BoardSummary>(`/api/boards/${DEMO_BOARD_ID}`)).body.name).toBe('Frailty huddle');
    expect(client.closeCodes).toEqual([]);

    const moved = await admin.patch<BoardSummary>(`/api/boards/${DEMO_BOARD_ID}`, {
      teamIds: [DISCHARGE_TEAM.id],
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ name: 'Frailty huddle', access: 'view', teams: [DISCHARGE_TEAM] });
    expect((await grace.get(`/api/boards/${DEMO_BOARD_ID}`)).status).toBe(403);
    expect((await nina.get<BoardSummary>(`/api/boards/${DEMO_BOARD_ID}`)).body.access).toBe('edit');
    await expect.poll(() => client.closeCodes).toContain(CloseCode.AccessRevoked);

    const unknownTeam = await admin.patch<ApiError>(`/api/boards/${DEMO_BOARD_ID}`, { teamIds: ['nope'] });
    expect(unknownTeam.status).toBe(400);
    expect(unknownTeam.body.issues?.[0]?.path).toBe('teamIds');
    expect((await admin.patch(`/api/boards/no-such-board`, { name: 'X' })).status).toBe(404);
    expect((await admin.patch(`/api/boards/${DEMO_BOARD_ID}`, { name: ' ' })).status).toBe(400);
  });

  it('lists the active members of the owning teams to anyone who can open the board', async () => {
    const server = await startTestServer({ db: await testDb() });
    const [helen, nina, admin] = await Promise.all([
      signedIn(server.url, DEMO.viewer),
      signedIn(server.url, DEMO.otherTeam),
      signedIn(server.url, DEMO.admin),
    ]);
    const members = await helen.get<BoardMember[]>(`/api/boards/${DEMO_BOARD_ID}/members`);
    expect(members.status).toBe(200);
    expect(members.body.map((m) => [m.name, m.role])).toEqual([
      ['Dan Morris', 'member'],
      ['Dr Tom Reid', 'facilitator'],
      ['Grace Okafor', 'member'],
      ['Helen Ward', 'viewer'],
      ['Lucy Evans', 'member'],
      ['Priya Shah', 'member'],
    ]);
    expect(members.body.find((m) => m.name === 'Dr Tom Reid')).toEqual({
      id: expect.any(String),
      name: 'Dr Tom Reid',
      profession: 'GP',
      organisation: { id: 'elm-tree-practice', name: 'Elm Tree Medical Practice', kind: 'gp_practice' },
      role: 'facilitator',
    });
    expect((await admin.get<BoardMember[]>(`/api/boards/${DEMO_BOARD_ID}/members`)).body).toEqual(
      members.body,
    );
    expect((await nina.get(`/api/boards/${DEMO_BOARD_ID}/members`)).status).toBe(403);
    expect((await nina.get('/api/boards/no-such-board/members')).status).toBe(404);
    expect((await api(server.url, 'GET', `/api/boards/${DEMO_BOARD_ID}/members`)).status).toBe(401);
  });

  it('sends anyone who can open a board its records as the document holds them, and the change made since', async () => {
    const server = await startTestServer({ db: await testDb() });
    const [grace, helen, nina] = await Promise.all([
      signedIn(server.url, DEMO.member),
      signedIn(server.url, DEMO.viewer),
      signedIn(server.url, DEMO.otherTeam),
    ]);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    await client.synced();
    const asRead = () =>
      JSON.parse(
        JSON.stringify({
          people: client.board.readPeople(),
          goals: client.board.readGoals(),
          actions: client.board.readActions(),
          pathwayStages: client.board.readPathwayStages(),
        }),
      ) as Partial<BoardSnapshot>;
    const byId = (reads: BoardSnapshot[keyof BoardSnapshot] | undefined) =>
      [...(reads ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    const expectSame = (snapshot: BoardSnapshot) => {
      const read = asRead();
      expect(Object.keys(snapshot).sort()).toEqual([...COLLECTION_NAMES].sort());
      for (const name of ['people', 'goals', 'actions', 'pathwayStages'] as const)
        expect(byId(snapshot[name])).toEqual(byId(read[name]));
    };

    const first = await helen.get<BoardSnapshot>(boardSnapshotPath(DEMO_BOARD_ID));
    expect(first.status).toBe(200);
    expect(first.body.people.length).toBeGreaterThan(0);
    expectSame(first.body);

    // A change made since is in the next snapshot, however many were sent before it.
    client.board.addPerson(
      { name: 'Arthur Bell', risk: 'red', riskReason: 'Lives alone' },
      { by: GRACE, id: 'arthur' },
    );
    await expect
      .poll(async () => (await grace.get<BoardSnapshot>(boardSnapshotPath(DEMO_BOARD_ID))).body.people.length)
      .toBe(first.body.people.length + 1);
    const second = await grace.get<BoardSnapshot>(boardSnapshotPath(DEMO_BOARD_ID));
    expect(second.body.people.find((p) => p.id === 'arthur')).toMatchObject({
      ok: true,
      value: { name: 'Arthur Bell', risk: 'red' },
    });
    expectSame(second.body);

    // Gzipped for a browser that takes it (every browser does), the same JSON either way.
    const raw = (acceptEncoding: string) =>
      new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
        const url = new URL(boardSnapshotPath(DEMO_BOARD_ID), server.url);
        get(url, { headers: { cookie: grace.cookie, 'accept-encoding': acceptEncoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ encoding: response.headers['content-encoding'], bytes: Buffer.concat(chunks) }),
          );
        }).on('error', reject);
      });
    const zipped = await raw('gzip, deflate, br, zstd');
    const plain = await raw('identity');
    expect(zipped.encoding).toBe('gzip');
    expect(plain.encoding).toBeUndefined();
    expect(zipped.bytes.length).toBeLessThan(plain.bytes.length / 3);
    expect(gunzipSync(zipped.bytes).equals(plain.bytes)).toBe(true);
    expect(JSON.parse(plain.bytes.toString('utf8'))).toEqual(second.body);
    expect((await raw('gzip;q=0, identity')).encoding).toBeUndefined();
    // A header no browser sends is answered plainly, whole.
    for (const header of [';;;,,,', 'gzip;q=abc', `${'x,'.repeat(4000)}br`]) {
      const odd = await raw(header);
      expect([header.slice(0, 12), odd.encoding]).toEqual([header.slice(0, 12), undefined]);
      expect(odd.bytes.equals(plain.bytes)).toBe(true);
    }

    const outsider = await nina.get<ApiError>(boardSnapshotPath(DEMO_BOARD_ID));
    expect(outsider.status).toBe(403);
    expect(outsider.body.error).toBe('You do not have access to this board');
    expect((await nina.get<ApiError>(boardSnapshotPath('no-such-board'))).status).toBe(404);
    const notAnId = await grace.get<ApiError>(boardSnapshotPath('../../etc/passwd'));
    expect(notAnId.status).toBe(404);
    expect((await api(server.url, 'GET', boardSnapshotPath(DEMO_BOARD_ID))).status).toBe(401);
  });

  it('refuses a browser asking for snapshots in a loop with a 429 that says why, and serves everyone else meanwhile', async () => {
    const server = await startTestServer({ db: await testDb() });
    const [grace, helen] = await Promise.all([
      signedIn(server.url, DEMO.member),
      signedIn(server.url, DEMO.viewer),
    ]);
    const path = boardSnapshotPath(DEMO_BOARD_ID);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await grace.get(path)).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const refused = await grace.get<ApiError>(path);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe(
      'You have opened a great many boards in the last minute; try again in a minute',
    );
    expect((await helen.get(path)).status).toBe(200);
  });
});
