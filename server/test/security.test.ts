import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '#shared/api';
import { CloseCode } from '#shared/sync/closeCodes';
import { SOCKET_UNAUTHORISED } from '#shared/events';
import { SESSION_COOKIE } from '../src/auth/cookies.ts';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import type { HuddleServer } from '../src/server.ts';
import { DEMO, api, signIn, signedIn } from './support/auth.ts';
import { GRACE, actionTitles, anAction, by, testDb } from './support/boards.ts';
import { connectClient, docContent } from './support/clients.ts';
import { upgradeStatus } from './support/rawSocket.ts';
import { handshake, join, openAppSocket } from './support/appSocket.ts';
import { startTestServer } from './support/server.ts';

/** What is stored for a board: its log, its snapshot, and its audit trail of changes. */
async function storedState(server: HuddleServer, boardId: string) {
  const { db } = server.database;
  await server.storage.flush();
  const [updates, snapshot, changes] = await Promise.all([
    db
      .selectFrom('board_updates')
      .select(sql<string>`count(*)`.as('n'))
      .where('board_id', '=', boardId)
      .executeTakeFirstOrThrow(),
    db.selectFrom('board_snapshots').select('state').where('board_id', '=', boardId).executeTakeFirst(),
    db
      .selectFrom('audit_events')
      .select(sql<string>`count(*)`.as('n'))
      .where('board_id', '=', boardId)
      .where('event', '=', 'change')
      .executeTakeFirstOrThrow(),
  ]);
  return {
    updates: Number(updates.n),
    snapshot: snapshot ? Buffer.from(snapshot.state).toString('base64') : null,
    changes: Number(changes.n),
  };
}

const FORGED = `${SESSION_COOKIE}=${'A'.repeat(43)}`;

describe('access control on every channel', () => {
  it('refuses no session, a forged cookie and an expired session on REST, socket.io and Yjs', async () => {
    const server = await startTestServer({ db: await testDb() });
    const expired = await signIn(server.url, DEMO.member);
    await server.database.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .execute();
    const member = await signedIn(server.url, DEMO.member);
    const watcher = connectClient(server.url, DEMO_BOARD_ID, { cookie: member.cookie });
    await watcher.synced();
    const before = await storedState(server, DEMO_BOARD_ID);

    for (const [label, cookie] of [
      ['no session', undefined],
      ['forged', FORGED],
      ['expired', expired],
    ] as const) {
      const headers: Record<string, string> = cookie ? { cookie } : {};
      // REST: 401 with a JSON error, for reads and writes alike.
      const read = await api<ApiError>(server.url, 'GET', `/api/boards/${DEMO_BOARD_ID}`, { cookie });
      expect([label, read.status, read.body.error]).toEqual([label, 401, 'Sign in to continue']);
      const write = await api<ApiError>(server.url, 'POST', '/api/boards', {
        cookie,
        body: { name: `Made with ${label}`, teamIds: ['riverside-frailty-team'] },
      });
      expect([label, write.status]).toEqual([label, 401]);
      expect((await api(server.url, 'GET', '/api/auth/session', { cookie })).status).toBe(401);
      // socket.io: the handshake is refused.
      expect([label, await handshake(openAppSocket(server.url, headers))]).toEqual([
        label,
        SOCKET_UNAUTHORISED,
      ]);
      // Yjs: the upgrade is refused before any sync message.
      expect([label, await upgradeStatus(server.url, `/yjs/${DEMO_BOARD_ID}`, headers)]).toEqual([
        label,
        401,
      ]);
    }

    expect(await storedState(server, DEMO_BOARD_ID)).toEqual(before);
    const admin = await signedIn(server.url, DEMO.admin);
    expect((await admin.get<unknown[]>('/api/boards')).body).toHaveLength(2);
  });

  it('refuses a user of another team on REST, socket.io and Yjs', async () => {
    const server = await startTestServer({ db: await testDb() });
    const outsider = await signedIn(server.url, DEMO.otherTeam);
    const before = await storedState(server, DEMO_BOARD_ID);

    const board = await outsider.get<ApiError>(`/api/boards/${DEMO_BOARD_ID}`);
    expect([board.status, board.body.error]).toEqual([403, 'You do not have access to this board']);
    expect(
      (await outsider.get(`/api/boards/${DEMO_BOARD_ID}/history?recordType=actions&recordId=action-1`))
        .status,
    ).toBe(403);
    expect((await outsider.get<{ id: string }[]>('/api/boards')).body.map((b) => b.id)).not.toContain(
      DEMO_BOARD_ID,
    );

    const socket = openAppSocket(server.url, { cookie: outsider.cookie });
    expect(await handshake(socket)).toBe('connected');
    expect(await join(socket, DEMO_BOARD_ID)).toEqual({
      ok: false,
      status: 403,
      error: 'You do not have access to this board',
    });
    expect(await join(socket, 'no-such-board')).toMatchObject({ ok: false, status: 404 });

    expect(await upgradeStatus(server.url, `/yjs/${DEMO_BOARD_ID}`, { cookie: outsider.cookie })).toBe(403);
    expect(await storedState(server, DEMO_BOARD_ID)).toEqual(before);
  });

  it('gives viewers and managers read-only connections: their edits are never applied, stored or broadcast, their presence is', async () => {
    const server = await startTestServer({ db: await testDb() });
    const member = connectClient(server.url, DEMO_BOARD_ID, {
      cookie: await signIn(server.url, DEMO.member),
    });
    await member.synced();
    const before = await storedState(server, DEMO_BOARD_ID);
    const content = docContent(member.doc);

    for (const email of [DEMO.viewer, DEMO.manager]) {
      const reader = await signedIn(server.url, email);
      expect((await reader.get<{ access: string }>(`/api/boards/${DEMO_BOARD_ID}`)).body.access).toBe('view');
      // REST: no write they try is accepted.
      const writes = [
        await reader.post('/api/boards', { name: 'A viewer’s board', teamIds: ['riverside-frailty-team'] }),
        await reader.patch(`/api/boards/${DEMO_BOARD_ID}`, { name: 'Renamed by a viewer' }),
        await reader.put('/api/teams/riverside-frailty-team/members/demo-helen-ward', { role: 'member' }),
        await reader.delete('/api/teams/riverside-frailty-team/members/demo-grace-okafor'),
      ];
      expect([email, ...writes.map((w) => w.status)]).toEqual([email, 403, 403, 403, 403]);
      expect((await reader.get<{ name: string }>(`/api/boards/${DEMO_BOARD_ID}`)).body.name).toBe(
        'Riverside frailty MDT',
      );
      const socket = openAppSocket(server.url, { cookie: reader.cookie });
      expect(await join(socket, DEMO_BOARD_ID)).toEqual({ ok: true, access: 'view', storage: 'stored' });

      const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: reader.cookie });
      await client.synced();
      client.provider.awareness.setLocalStateField('editing', {
        recordType: 'actions',
        recordId: 'action-1',
      });
      client.board.addAction(anAction(`Written by ${email}`), { by: by('Viewer') });
      client.board.updateAction('action-1', { title: 'Changed by a viewer' }, { by: by() });
      // Presence arrives, under the viewer's own name, however the client described itself.
      await expect
        .poll(() =>
          [...member.provider.awareness.getStates().values()].some(
            (s) => (s.editing as { recordId?: string } | undefined)?.recordId === 'action-1' && s.user?.id,
          ),
        )
        .toBe(true);
      client.destroy();
    }
    // A member's edit made after the viewers' still arrives; theirs never did.
    member.board.addAction(anAction('Agreed by the member'), { by: GRACE });
    const fresh = connectClient(server.url, DEMO_BOARD_ID, {
      cookie: await signIn(server.url, DEMO.otherMember),
    });
    await expect.poll(() => actionTitles(fresh)).toContain('Agreed by the member');
    expect(
      actionTitles(fresh).filter((t) => t.startsWith('Written by') || t === 'Changed by a viewer'),
    ).toEqual([]);
    await server.storage.flush();
    const after = await storedState(server, DEMO_BOARD_ID);
    expect(after.updates).toBe(before.updates + 1);
    const team = await (
      await signedIn(server.url, DEMO.admin)
    ).get<{ members: { userId: string; role: string }[] }>('/api/teams/riverside-frailty-team');
    expect(team.body.members.find((m) => m.userId === 'demo-helen-ward')?.role).toBe('viewer');
    expect(team.body.members.some((m) => m.userId === 'demo-grace-okafor')).toBe(true);
    expect(docContent(fresh.doc)).not.toEqual(content);
  });

  it('binds presence to the signed-in user: a client cannot show itself as someone else, or overwrite another’s presence', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = connectClient(server.url, DEMO_BOARD_ID, { cookie: await signIn(server.url, DEMO.member) });
    const priya = connectClient(server.url, DEMO_BOARD_ID, {
      cookie: await signIn(server.url, DEMO.otherMember),
    });
    await Promise.all([grace.synced(), priya.synced()]);
    priya.provider.awareness.setLocalStateField('user', {
      id: 'demo-tom-reid',
      name: 'Dr Tom Reid',
      organisation: null,
    });
    const seenByGrace = () => grace.provider.awareness.getStates().get(priya.doc.clientID)?.user;
    await expect.poll(seenByGrace).toEqual({
      id: 'demo-priya-shah',
      name: 'Priya Shah',
      organisation: 'Riverside Community Health NHS Trust',
      organisationId: 'riverside-community',
    });
  });

  it('takes access changes into open connections at once: removed members are closed out, demoted ones reconnect read-only', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const priya = await signedIn(server.url, DEMO.otherMember);
    const lucyEmail = 'lucy.evans@riverside-asc.example';
    const lucy = await signedIn(server.url, lucyEmail);
    const priyaDoc = connectClient(server.url, DEMO_BOARD_ID, { cookie: priya.cookie });
    const lucyDoc = connectClient(server.url, DEMO_BOARD_ID, { cookie: lucy.cookie });
    const priyaSocket = openAppSocket(server.url, { cookie: priya.cookie });
    const accessChanged: string[] = [];
    priyaSocket.on('access:changed', () => accessChanged.push('changed'));
    await Promise.all([priyaDoc.synced(), lucyDoc.synced()]);
    expect(await join(priyaSocket, DEMO_BOARD_ID)).toEqual({ ok: true, access: 'edit', storage: 'stored' });

    // Priya is removed from the team: her board connection closes for good.
    const removed = await admin.delete(`/api/teams/riverside-frailty-team/members/demo-priya-shah`);
    expect(removed.status).toBe(200);
    await expect.poll(() => priyaDoc.closeCodes).toContain(CloseCode.AccessRevoked);
    await expect.poll(() => accessChanged.length).toBeGreaterThan(0);
    expect(await upgradeStatus(server.url, `/yjs/${DEMO_BOARD_ID}`, { cookie: priya.cookie })).toBe(403);

    // Lucy becomes a viewer: her connection closes, and the one it reopens is read-only.
    const demoted = await admin.put(`/api/teams/riverside-frailty-team/members/demo-lucy-evans`, {
      role: 'viewer',
    });
    expect(demoted.status).toBe(200);
    await expect.poll(() => lucyDoc.closeCodes).toContain(CloseCode.AccessChanged);
    await lucyDoc.synced();
    await expect.poll(() => lucyDoc.provider.wsconnected).toBe(true);
    const before = await storedState(server, DEMO_BOARD_ID);
    lucyDoc.board.addAction(anAction('Written after becoming a viewer'), { by: by('Lucy') });
    const check = connectClient(server.url, DEMO_BOARD_ID, { cookie: await signIn(server.url, DEMO.member) });
    await check.synced();
    expect(actionTitles(check)).not.toContain('Written after becoming a viewer');
    expect(await storedState(server, DEMO_BOARD_ID)).toEqual(before);
  });

  it('ends every channel of a deactivated user and of a signed-out session', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const grace = await signedIn(server.url, DEMO.member);
    const doc = connectClient(server.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    const socket = openAppSocket(server.url, { cookie: grace.cookie });
    const ended: string[] = [];
    socket.on('session:ended', (reason) => ended.push(reason));
    await doc.synced();
    await expect.poll(() => socket.connected).toBe(true);

    expect((await admin.patch('/api/users/demo-grace-okafor', { active: false })).status).toBe(200);
    await expect.poll(() => doc.closeCodes).toContain(CloseCode.SessionEnded);
    await expect.poll(() => ended).toEqual(['deactivated']);
    expect((await grace.get('/api/auth/session')).status).toBe(401);
    const again = await api<ApiError>(server.url, 'POST', '/api/auth/sign-in', {
      body: { email: DEMO.member, password: 'riverside-demo-2026' },
    });
    expect([again.status, again.body.error]).toEqual([401, 'The email address or password is not right']);

    const priya = await signedIn(server.url, DEMO.otherMember);
    const priyaDoc = connectClient(server.url, DEMO_BOARD_ID, { cookie: priya.cookie });
    await priyaDoc.synced();
    expect((await priya.post('/api/auth/sign-out')).status).toBe(204);
    await expect.poll(() => priyaDoc.closeCodes).toContain(CloseCode.SessionEnded);
    expect((await priya.get('/api/auth/session')).status).toBe(401);
  });
});

describe('cross-site requests', () => {
  it('refuses state-changing REST calls from another site, form encodings, and cross-site sockets', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const body = { name: 'Made by another site', teamIds: ['riverside-frailty-team'] };
    const evil = await api<ApiError>(server.url, 'POST', '/api/boards', {
      cookie: admin.cookie,
      body,
      headers: { origin: 'https://evil.example' },
    });
    expect([evil.status, evil.body.error]).toEqual([
      403,
      'This request came from another site and was refused',
    ]);
    const fetchSite = await api(server.url, 'POST', '/api/boards', {
      cookie: admin.cookie,
      body,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(fetchSite.status).toBe(403);
    // What an HTML form on another site can send without a preflight is not accepted at all.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const response = await fetch(`${server.url}/api/boards`, {
        method: 'POST',
        headers: { cookie: admin.cookie, 'content-type': type },
        body: 'name=Made+by+a+form',
      });
      expect([type, response.status]).toEqual([type, 415]);
    }
    const signOut = await api(server.url, 'POST', '/api/auth/sign-out', {
      cookie: admin.cookie,
      headers: { origin: 'https://evil.example' },
    });
    expect(signOut.status).toBe(403);

    const headers = { cookie: admin.cookie, origin: 'https://evil.example' };
    expect(await upgradeStatus(server.url, `/yjs/${DEMO_BOARD_ID}`, headers)).toBe(403);
    expect(await handshake(openAppSocket(server.url, headers))).toBe(SOCKET_UNAUTHORISED);

    // The same calls from the site itself work.
    expect((await admin.get<{ name: string }[]>('/api/boards')).body.map((b) => b.name)).not.toContain(
      'Made by another site',
    );
    expect(
      await upgradeStatus(server.url, `/yjs/${DEMO_BOARD_ID}`, { cookie: admin.cookie, origin: server.url }),
    ).toBe(101);
  });
});
