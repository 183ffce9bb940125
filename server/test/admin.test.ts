import { describe, expect, it } from 'vitest';
import type { AdminUser, DirectoryUser, TemporaryPasswordResponse } from '#shared/users';
import type { TeamDetail, TeamSummary } from '#shared/teams';
import type { ApiError } from '#shared/api';
import type { BoardSummary } from '#shared/boards';
import type { Organisation } from '#shared/organisations';
import { AUDIT_CSV_COLUMNS } from '#shared/audit';
import type { CurrentUser } from '#shared/auth';
import { CloseCode } from '#shared/sync/closeCodes';
import type { NewAuditEvent } from '../src/db/schema.ts';
import { DEMO_BOARD_ID, DEMO_DISCHARGE_BOARD_ID } from '../src/seed.ts';
import { DEMO, api, signIn, signedIn } from './support/auth.ts';
import { testDb } from './support/boards.ts';
import { connectClient } from './support/clients.ts';
import { startTestServer } from './support/server.ts';

const FRAILTY_TEAM = 'riverside-frailty-team';
const DISCHARGE_TEAM = 'riverside-discharge-team';
const LUCY = 'lucy.evans@riverside-asc.example';

type Caller = Awaited<ReturnType<typeof signedIn>>;

async function userIdOf(admin: Caller, email: string): Promise<string> {
  const users = (await admin.get<AdminUser[]>('/api/users')).body;
  const user = users.find((u) => u.email === email);
  if (!user) throw new Error(`no user ${email}`);
  return user.id;
}

/** RFC 4180 fields, as a spreadsheet reads them. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (c !== '\r') {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

describe('admin API', () => {
  it('gives a new user a temporary password that they must change before they can do anything else', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const created = await admin.post<TemporaryPasswordResponse>('/api/users', {
      name: 'Sam Whitfield',
      email: '  Sam.Whitfield@Riverside-ASC.example ',
      profession: 'Social worker',
      organisationId: 'riverside-asc',
      role: null,
    });
    expect(created.status).toBe(201);
    const { user, temporaryPassword } = created.body;
    expect(user).toMatchObject({
      name: 'Sam Whitfield',
      email: 'sam.whitfield@riverside-asc.example',
      organisation: { id: 'riverside-asc', kind: 'council_social_care' },
      role: null,
      active: true,
      mustChangePassword: true,
      managedTeamIds: [],
      teams: [],
    });
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(12);
    expect((await admin.get<AdminUser>(`/api/users/${user.id}`)).body).toEqual(user);

    const duplicate = await admin.post<ApiError>('/api/users', {
      name: 'Someone else',
      email: 'SAM.WHITFIELD@riverside-asc.example',
      profession: 'OT',
      organisationId: null,
      role: null,
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.issues).toEqual([
      { path: 'email', message: 'Someone already uses that email address' },
    ]);

    const sam = await signedIn(server.url, 'sam.whitfield@riverside-asc.example', temporaryPassword);
    expect((await sam.get<CurrentUser>('/api/auth/session')).body.mustChangePassword).toBe(true);
    for (const path of ['/api/boards', '/api/teams', '/api/organisations']) {
      const refused = await sam.get<ApiError>(path);
      expect(refused.status, path).toBe(403);
      expect(refused.body.error).toBe('Change your temporary password before you go on');
    }
    const changed = await sam.post<CurrentUser>('/api/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: 'a long new password of my own',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.mustChangePassword).toBe(false);
    expect(await sam.get('/api/boards')).toMatchObject({ status: 200, body: [] });
    expect((await admin.get<AdminUser>(`/api/users/${user.id}`)).body.mustChangePassword).toBe(false);
  });

  it('checks what an admin sends: field problems, unknown ids, taken names', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);

    const invalid = await admin.post<ApiError>('/api/users', { name: ' ', email: 'not an email' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues?.map((i) => i.path)).toEqual(
      expect.arrayContaining(['name', 'email', 'profession']),
    );
    const unknownOrganisation = await admin.post<ApiError>('/api/users', {
      name: 'Jo Barnes',
      email: 'jo.barnes@agewell.example',
      profession: 'Volunteer',
      organisationId: 'no-such-organisation',
      role: null,
    });
    expect(unknownOrganisation.status).toBe(400);
    expect(unknownOrganisation.body.issues?.[0]?.path).toBe('organisationId');
    const notAManager = await admin.post<ApiError>('/api/users', {
      name: 'Jo Barnes',
      email: 'jo.barnes@agewell.example',
      profession: 'Volunteer',
      organisationId: null,
      role: null,
      managedTeamIds: [FRAILTY_TEAM],
    });
    expect(notAManager.status).toBe(400);
    expect(notAManager.body.issues?.[0]?.path).toBe('managedTeamIds');
    expect((await admin.get('/api/users/no-such-user')).status).toBe(404);
    expect((await admin.patch('/api/users/no-such-user', { name: 'X' })).status).toBe(404);
    expect((await admin.post('/api/users/no-such-user/reset-password', {})).status).toBe(404);

    const organisation = await admin.post<Organisation>('/api/organisations', {
      name: '  Riverside Carers Centre ',
      kind: 'voluntary',
    });
    expect(organisation.status).toBe(201);
    expect(organisation.body).toMatchObject({ name: 'Riverside Carers Centre', kind: 'voluntary' });
    const takenName = await admin.post<ApiError>('/api/organisations', {
      name: 'Riverside Carers Centre',
      kind: 'other',
    });
    expect(takenName.status).toBe(409);
    expect(takenName.body.issues?.[0]?.path).toBe('name');
    const renamed = await admin.patch<Organisation>(`/api/organisations/${organisation.body.id}`, {
      name: 'Riverside Carers Trust',
      kind: 'voluntary',
    });
    expect(renamed.body).toEqual({ ...organisation.body, name: 'Riverside Carers Trust' });
    expect((await admin.patch('/api/organisations/nope', { name: 'X', kind: 'other' })).status).toBe(404);
    const badKind = await admin.post<ApiError>('/api/organisations', { name: 'X', kind: 'hospital' });
    expect(badKind.status).toBe(400);
    expect(badKind.body.issues?.[0]?.path).toBe('kind');
    const member = await signedIn(server.url, DEMO.member);
    expect((await member.get<Organisation[]>('/api/organisations')).body).toContainEqual(renamed.body);

    const team = await admin.post<TeamDetail>('/api/teams', { name: 'Enhanced team' });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ name: 'Enhanced team', memberCount: 0, members: [], myRole: null });
    expect((await admin.post<ApiError>('/api/teams', { name: 'Enhanced team' })).status).toBe(409);
    // Names differing only in capitals are one name to someone choosing from a list.
    expect((await admin.post<ApiError>('/api/teams', { name: 'ENHANCED TEAM' })).status).toBe(409);
    expect(
      (await admin.post<ApiError>('/api/organisations', { name: 'riverside carers trust', kind: 'other' }))
        .status,
    ).toBe(409);
    expect(
      (await admin.patch<ApiError>(`/api/teams/${team.body.id}`, { name: 'Riverside frailty MDT' })).status,
    ).toBe(409);
    expect((await admin.get('/api/teams/no-such-team')).status).toBe(404);
  });

  it('answers 401 without a session and 403 to people who are not admins, on every admin route', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const graceId = await userIdOf(admin, DEMO.member);
    const adminOnly: [method: string, path: string, body?: unknown][] = [
      ['GET', '/api/users'],
      ['GET', `/api/users/${graceId}`],
      [
        'POST',
        '/api/users',
        { name: 'X', email: 'x@example.org', profession: 'GP', organisationId: null, role: null },
      ],
      ['PATCH', `/api/users/${graceId}`, { role: 'admin' }],
      ['POST', `/api/users/${graceId}/reset-password`, {}],
      ['POST', '/api/organisations', { name: 'New', kind: 'other' }],
      ['PATCH', '/api/organisations/riverside-asc', { name: 'Renamed', kind: 'other' }],
      ['POST', '/api/teams', { name: 'New team' }],
      ['PATCH', `/api/teams/${FRAILTY_TEAM}`, { name: 'Renamed' }],
      ['PATCH', `/api/boards/${DEMO_BOARD_ID}`, { name: 'Renamed' }],
      ['GET', '/api/admin/audit.csv?from=2026-01-01&to=2026-01-31'],
    ];
    const forMembers: [method: string, path: string, body?: unknown][] = [
      ['GET', '/api/people-directory'],
      ['PUT', `/api/teams/${FRAILTY_TEAM}/members/${graceId}`, { role: 'viewer' }],
      ['DELETE', `/api/teams/${FRAILTY_TEAM}/members/${graceId}`],
    ];
    const [member, facilitator, manager] = await Promise.all([
      signedIn(server.url, DEMO.member),
      signedIn(server.url, DEMO.facilitator),
      signedIn(server.url, DEMO.manager),
    ]);
    for (const [method, path, body] of [...adminOnly, ...forMembers, ['GET', '/api/teams'] as const]) {
      const anonymous = await api<ApiError>(server.url, method, path, { body });
      expect(anonymous.status, `${method} ${path} without a session`).toBe(401);
      expect(anonymous.body.error).toBe('Sign in to continue');
    }
    for (const caller of [member, facilitator, manager]) {
      for (const [method, path, body] of adminOnly) {
        const refused = await api<ApiError>(server.url, method, path, { cookie: caller.cookie, body });
        expect(refused.status, `${method} ${path}`).toBe(403);
        expect(refused.body.error).toEqual(expect.any(String));
      }
    }
    for (const caller of [member, manager]) {
      for (const [method, path, body] of forMembers) {
        expect((await api(server.url, method, path, { cookie: caller.cookie, body })).status, path).toBe(403);
      }
    }
    // Nothing changed.
    const grace = (await admin.get<AdminUser>(`/api/users/${graceId}`)).body;
    expect(grace).toMatchObject({ role: null, teams: [{ id: FRAILTY_TEAM, role: 'member' }] });
  });

  it('lets a facilitator manage their own team but not another, and never leave it without a facilitator', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const tom = await signedIn(server.url, DEMO.facilitator);
    const lucyCookie = await signIn(server.url, LUCY);

    const directory = (await tom.get<DirectoryUser[]>('/api/people-directory')).body;
    const idOf = (name: string) => directory.find((u) => u.name.includes(name))!.id;
    expect(directory.map((u) => u.name)).toEqual(expect.arrayContaining(['Lucy Evans', 'Nina Brooks']));
    const [lucyId, tomId, ninaId] = [idOf('Lucy Evans'), idOf('Tom Reid'), idOf('Nina Brooks')];

    const teams = (await tom.get<TeamSummary[]>('/api/teams')).body;
    expect(teams.map((t) => [t.id, t.myRole, t.canManage])).toEqual([[FRAILTY_TEAM, 'facilitator', true]]);
    const member = await signedIn(server.url, DEMO.member);
    expect((await member.get<TeamSummary[]>('/api/teams')).body.map((t) => [t.id, t.canManage])).toEqual([
      [FRAILTY_TEAM, false],
    ]);
    expect((await member.get(`/api/teams/${DISCHARGE_TEAM}`)).status).toBe(403);
    expect((await admin.get<TeamSummary[]>('/api/teams')).body.map((t) => t.id).sort()).toEqual(
      [DISCHARGE_TEAM, FRAILTY_TEAM].sort(),
    );

    // Lucy becomes a viewer: her open board reconnects read-only, and she can still open it.
    const lucyClient = connectClient(server.url, DEMO_BOARD_ID, { cookie: lucyCookie });
    await lucyClient.synced();
    const demoted = await tom.put<TeamDetail>(`/api/teams/${FRAILTY_TEAM}/members/${lucyId}`, {
      role: 'viewer',
    });
    expect(demoted.status).toBe(200);
    expect(demoted.body.members.find((m) => m.userId === lucyId)?.role).toBe('viewer');
    const lucyBoard = await api<BoardSummary>(server.url, 'GET', `/api/boards/${DEMO_BOARD_ID}`, {
      cookie: lucyCookie,
    });
    expect(lucyBoard.body.access).toBe('view');
    await expect.poll(() => lucyClient.closeCodes).toContain(CloseCode.AccessChanged);
    await expect.poll(() => lucyClient.provider.synced).toBe(true);

    // Nina (another team's facilitator) joins the frailty team as a member; Tom cannot touch her team.
    const added = await tom.put<TeamDetail>(`/api/teams/${FRAILTY_TEAM}/members/${ninaId}`, {
      role: 'member',
    });
    expect(added.body.members.map((m) => m.name)).toContain('Nina Brooks');
    expect(added.body.memberCount).toBe(demoted.body.memberCount + 1);
    const other = await tom.put<ApiError>(`/api/teams/${DISCHARGE_TEAM}/members/${lucyId}`, {
      role: 'member',
    });
    expect(other.status).toBe(403);
    expect((await tom.delete(`/api/teams/${DISCHARGE_TEAM}/members/${ninaId}`)).status).toBe(403);
    expect((await tom.put(`/api/teams/${FRAILTY_TEAM}/members/${lucyId}`, { role: 'boss' })).status).toBe(
      400,
    );
    expect(
      (await tom.put(`/api/teams/${FRAILTY_TEAM}/members/no-such-user`, { role: 'member' })).status,
    ).toBe(404);
    expect((await tom.put(`/api/teams/no-such-team/members/${lucyId}`, { role: 'member' })).status).toBe(404);

    // Lucy leaves: her open board is closed and she can no longer open it.
    const removed = await tom.delete<TeamDetail>(`/api/teams/${FRAILTY_TEAM}/members/${lucyId}`);
    expect(removed.body.members.map((m) => m.userId)).not.toContain(lucyId);
    await expect.poll(() => lucyClient.closeCodes).toContain(CloseCode.AccessRevoked);
    expect(
      (await api(server.url, 'GET', `/api/boards/${DEMO_BOARD_ID}`, { cookie: lucyCookie })).status,
    ).toBe(403);
    expect((await tom.delete(`/api/teams/${FRAILTY_TEAM}/members/${lucyId}`)).status).toBe(404);

    // Tom is the only facilitator: he can neither step down nor leave.
    for (const attempt of [
      await tom.put<ApiError>(`/api/teams/${FRAILTY_TEAM}/members/${tomId}`, { role: 'member' }),
      await tom.delete<ApiError>(`/api/teams/${FRAILTY_TEAM}/members/${tomId}`),
    ]) {
      expect(attempt.status).toBe(400);
      expect(attempt.body.error).toMatch(/needs a facilitator/);
    }
    // Once Nina facilitates too, he can step down; then he manages nothing.
    await tom.put(`/api/teams/${FRAILTY_TEAM}/members/${ninaId}`, { role: 'facilitator' });
    const steppedDown = await tom.put<TeamDetail>(`/api/teams/${FRAILTY_TEAM}/members/${tomId}`, {
      role: 'member',
    });
    expect(steppedDown.body).toMatchObject({ myRole: 'member', canManage: false });
    expect((await tom.put(`/api/teams/${FRAILTY_TEAM}/members/${ninaId}`, { role: 'member' })).status).toBe(
      403,
    );
    expect((await tom.get('/api/people-directory')).status).toBe(403);

    // An admin may leave a team without a facilitator.
    const byAdmin = await admin.delete<TeamDetail>(`/api/teams/${FRAILTY_TEAM}/members/${ninaId}`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.members.filter((m) => m.role === 'facilitator')).toEqual([]);
  });

  it('ends the sessions of a deactivated user, and of a user whose password an admin resets', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const grace = await signedIn(server.url, DEMO.member);
    const priya = await signedIn(server.url, DEMO.otherMember);
    const [graceId, priyaId, adminId] = await Promise.all([
      userIdOf(admin, DEMO.member),
      userIdOf(admin, DEMO.otherMember),
      userIdOf(admin, DEMO.admin),
    ]);

    const deactivated = await admin.patch<AdminUser>(`/api/users/${graceId}`, { active: false });
    expect(deactivated.body).toMatchObject({ id: graceId, active: false });
    expect((await grace.get('/api/auth/session')).status).toBe(401);
    expect((await grace.get('/api/boards')).status).toBe(401);
    const again = await api<ApiError>(server.url, 'POST', '/api/auth/sign-in', {
      body: { email: DEMO.member, password: 'riverside-demo-2026' },
    });
    expect(again.status).toBe(401);
    expect((await admin.get<DirectoryUser[]>('/api/people-directory')).body.map((u) => u.id)).not.toContain(
      graceId,
    );
    // Switching the account back on does not bring the old session back.
    await admin.patch(`/api/users/${graceId}`, { active: true });
    expect((await grace.get('/api/auth/session')).status).toBe(401);
    expect((await signedIn(server.url, DEMO.member).then((g) => g.get('/api/boards'))).status).toBe(200);

    const reset = await admin.post<TemporaryPasswordResponse>(`/api/users/${priyaId}/reset-password`, {});
    expect(reset.status).toBe(200);
    expect(reset.body.user.mustChangePassword).toBe(true);
    expect((await priya.get('/api/auth/session')).status).toBe(401);
    const oldPassword = await api(server.url, 'POST', '/api/auth/sign-in', {
      body: { email: DEMO.otherMember, password: 'riverside-demo-2026' },
    });
    expect(oldPassword.status).toBe(401);
    const priyaAgain = await signedIn(server.url, DEMO.otherMember, reset.body.temporaryPassword);
    expect((await priyaAgain.get<CurrentUser>('/api/auth/session')).body.mustChangePassword).toBe(true);

    // An admin cannot lock themselves out; their session carries on.
    const selfDeactivate = await admin.patch<ApiError>(`/api/users/${adminId}`, { active: false });
    expect(selfDeactivate.status).toBe(400);
    expect(selfDeactivate.body.issues?.[0]?.path).toBe('active');
    const selfDemote = await admin.patch<ApiError>(`/api/users/${adminId}`, { role: 'manager' });
    expect(selfDemote.status).toBe(400);
    expect(selfDemote.body.issues?.[0]?.path).toBe('role');
    expect((await admin.get<AdminUser>(`/api/users/${adminId}`)).body).toMatchObject({
      role: 'admin',
      active: true,
    });
  });

  it("changes a manager's scope and role, which changes the boards they see", async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const mark = await signedIn(server.url, DEMO.manager);
    const markId = await userIdOf(admin, DEMO.manager);
    expect((await mark.get<BoardSummary[]>('/api/boards')).body).toHaveLength(2);
    const markClient = connectClient(server.url, DEMO_DISCHARGE_BOARD_ID, { cookie: mark.cookie });
    await markClient.synced();

    const narrowed = await admin.patch<AdminUser>(`/api/users/${markId}`, { managedTeamIds: [FRAILTY_TEAM] });
    expect(narrowed.body.managedTeamIds).toEqual([FRAILTY_TEAM]);
    expect((await mark.get<BoardSummary[]>('/api/boards')).body.map((b) => [b.id, b.access])).toEqual([
      [DEMO_BOARD_ID, 'view'],
    ]);
    await expect.poll(() => markClient.closeCodes).toContain(CloseCode.AccessRevoked);
    expect((await admin.patch(`/api/users/${markId}`, { managedTeamIds: ['no-such-team'] })).status).toBe(
      400,
    );

    // No longer a manager: no teams to oversee, no boards.
    const plain = await admin.patch<AdminUser>(`/api/users/${markId}`, { role: null });
    expect(plain.body).toMatchObject({ role: null, managedTeamIds: [] });
    expect((await mark.get<BoardSummary[]>('/api/boards')).body).toEqual([]);
    const taken = await admin.patch<ApiError>(`/api/users/${markId}`, { email: DEMO.member });
    expect(taken.status).toBe(409);
    expect(taken.body.issues?.[0]?.path).toBe('email');
  });

  it('exports the audit trail between two dates as CSV that a spreadsheet will not run as formulas', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const row = (at: string, fields: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
      at: new Date(at),
      event: 'change',
      board_id: DEMO_BOARD_ID,
      user_id: 'demo-grace-okafor',
      user_name: 'Grace Okafor',
      record_type: 'actions',
      record_id: 'action-1',
      field: 'title',
      before: JSON.stringify('Old title'),
      after: JSON.stringify('New title'),
      ...fields,
    });
    await server.database.db
      .insertInto('audit_events')
      .values([
        row('2001-02-02T23:59:59.999Z', { field: 'before the range' }),
        row('2001-02-03T00:00:00.000Z', { user_name: '=HYPERLINK("http://evil.example","Click")' }),
        row('2001-02-03T12:00:00.000Z', {
          field: '+cmd',
          record_id: '@SUM(A1)',
          record_type: '\tactions',
          before: 'null',
          after: '-5',
        }),
        row('2001-02-04T23:59:59.999Z', {
          event: 'open',
          record_type: null,
          record_id: null,
          field: null,
          before: null,
          after: null,
        }),
        row('2001-02-05T00:00:00.000Z', { field: 'after the range' }),
      ])
      .execute();

    const response = await fetch(`${server.url}/api/admin/audit.csv?from=2001-02-03&to=2001-02-04`, {
      headers: { cookie: admin.cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="huddle-audit-2001-02-03-to-2001-02-04.csv"',
    );
    const [header, ...rows] = parseCsv(await response.text());
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    const cells = rows.map((r) => Object.fromEntries(AUDIT_CSV_COLUMNS.map((c, i) => [c, r[i]])));
    expect(cells.map((c) => c.at)).toEqual([
      '2001-02-03T00:00:00.000Z',
      '2001-02-03T12:00:00.000Z',
      '2001-02-04T23:59:59.999Z',
    ]);
    expect(cells[0]).toMatchObject({
      event: 'change',
      board_id: DEMO_BOARD_ID,
      until: '',
      user_name: `'=HYPERLINK("http://evil.example","Click")`,
      before: '"Old title"',
      after: '"New title"',
    });
    expect(cells[1]).toMatchObject({
      field: "'+cmd",
      record_id: "'@SUM(A1)",
      record_type: "'\tactions",
      before: 'null',
      after: "'-5",
    });
    expect(cells[2]).toMatchObject({ event: 'open', user_name: 'Grace Okafor', field: '', before: 'null' });

    // A long range streams in pages, in the order the events were recorded.
    const many = Array.from({ length: 2_345 }, (_, i) =>
      row(`2001-03-0${1 + (i % 2)}T08:00:00.000Z`, { record_id: `action-${i}` }),
    );
    await server.database.db.insertInto('audit_events').values(many).execute();
    const long = await admin.get<string>('/api/admin/audit.csv?from=2001-03-01&to=2001-03-31');
    const longRows = parseCsv(long.body).slice(1);
    expect(longRows.map((r) => r[AUDIT_CSV_COLUMNS.indexOf('record_id')])).toEqual(
      many.map((_, i) => `action-${i}`),
    );

    for (const query of [
      'from=2001-02-03',
      'from=yesterday&to=2001-02-04',
      'from=2001-02-04&to=2001-02-03',
    ]) {
      const refused = await admin.get<ApiError>(`/api/admin/audit.csv?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.issues?.length).toBeGreaterThan(0);
    }
  });
});
