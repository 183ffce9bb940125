import { describe, expect, it } from 'vitest';
import type { ApiError } from '#shared/api';
import type { BoardSummary } from '#shared/boards';
import type { Organisation } from '#shared/organisations';
import type { AdminUser, TemporaryPasswordResponse } from '#shared/users';
import type { TeamDetail } from '#shared/teams';
import type { AuditEntry } from '#shared/audit';
import { DEMO, signedIn } from './support/auth.ts';
import { GRACE, anAction, by, testDb } from './support/boards.ts';
import { connectClient } from './support/clients.ts';
import { startTestServer } from './support/server.ts';

/** Text people should never be able to turn into markup, script or SQL. */
export const HOSTILE = [
  `<script>window.__huddlePwned = true</script>`,
  `<img src=x onerror="window.__huddlePwned = true">`,
  `Robert'); DROP TABLE users; --`,
  `" OR 1=1 --`,
  `=HYPERLINK("https://evil.example","click")`,
  // Right-to-left override, zero-width joiners, combining marks, an emoji family, astral CJK.
  `Mrs \u202Eeirdna\u202C O\u0301'Brien \u{1F469}\u200D\u{1F469}\u200D\u{1F467} \u{20BB7}`,
  `{{ 7 * 7 }} \${7 * 7} %s %n`,
];

describe('hostile text', () => {
  it('is stored and returned exactly, as data, in every text field of the admin pages', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    for (const [i, text] of HOSTILE.entries()) {
      const organisation = await admin.post<Organisation>('/api/organisations', {
        name: `${text} ${i}`,
        kind: 'other',
      });
      expect(organisation.status).toBe(201);
      expect(organisation.headers.get('content-type')).toMatch(/^application\/json/);
      const team = await admin.post<TeamDetail>('/api/teams', { name: `${text} team ${i}` });
      expect(team.status).toBe(201);
      const user = await admin.post<TemporaryPasswordResponse>('/api/users', {
        name: text,
        email: `hostile${i}@riverside.example`,
        profession: text.slice(0, 80),
        organisationId: organisation.body.id,
        role: null,
      });
      expect(user.status).toBe(201);
      const board = await admin.post<BoardSummary>('/api/boards', { name: text, teamIds: [team.body.id] });
      expect(board.status).toBe(201);

      expect((await admin.get<Organisation[]>('/api/organisations')).body.map((o) => o.name)).toContain(
        `${text} ${i}`,
      );
      expect((await admin.get<TeamDetail>(`/api/teams/${team.body.id}`)).body.name).toBe(`${text} team ${i}`);
      const stored = (await admin.get<AdminUser>(`/api/users/${user.body.user.id}`)).body;
      expect([stored.name, stored.profession]).toEqual([text, text.slice(0, 80)]);
      expect((await admin.get<BoardSummary>(`/api/boards/${board.body.id}`)).body.name).toBe(text);
    }
    // The tables the SQL strings named are all still there.
    expect((await admin.get<AdminUser[]>('/api/users')).body.length).toBeGreaterThan(HOSTILE.length);
  });

  it('is refused with a clear message when too long or holding characters that cannot be stored', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const long = await admin.post<ApiError>('/api/teams', { name: 'x'.repeat(10_000) });
    expect([long.status, long.body.error]).toEqual([400, 'Keep the team name to 120 characters or fewer']);
    const nul = await admin.post<ApiError>('/api/teams', { name: 'Night\u0000team' });
    expect([nul.status, nul.body.issues?.[0]?.path]).toEqual([400, 'name']);
    const broken = await admin.post<ApiError>('/api/organisations', {
      name: 'Half \ud800 a symbol',
      kind: 'other',
    });
    expect(broken.status).toBe(400);
    const huge = await fetch(`${server.url}/api/teams`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as ApiError).error).toEqual(expect.any(String));
  });

  it('travels through the board and its audit trail unchanged, and odd text a client sends cannot stop storage', async () => {
    const db = await testDb();
    const server = await startTestServer({ db });
    const grace = await signedIn(server.url, DEMO.member);
    const client = connectClient(server.url, 'riverside-frailty-mdt', { cookie: grace.cookie });
    await client.synced();
    const added = HOSTILE.map((text) => client.board.addAction(anAction(text), { by: by(text, GRACE.id) }));
    // NUL and a lone surrogate: a JSON column refuses them; the board must still be stored.
    const odd = client.board.addAction(anAction('Before'), { by: GRACE });
    client.board.updateAction(odd.id, { title: 'Null \u0000 and half \ud83d a symbol' }, { by: GRACE });
    client.board.addAction(anAction('Written after the odd text'), { by: GRACE });

    const reader = connectClient(server.url, 'riverside-frailty-mdt', {
      cookie: (await signedIn(server.url, DEMO.otherMember)).cookie,
    });
    await reader.synced();
    await server.storage.flush();
    const stored = await server.storage.load('riverside-frailty-mdt');
    expect(stored).not.toBeNull();
    for (const [i, action] of added.entries()) {
      const trail = (
        await grace.get<AuditEntry[]>(
          `/api/boards/riverside-frailty-mdt/history?recordType=actions&recordId=${action.id}`,
        )
      ).body;
      expect(trail.find((e) => e.field === 'title')?.after).toBe(HOSTILE[i]);
    }
    const oddTrail = (
      await grace.get<AuditEntry[]>(
        `/api/boards/riverside-frailty-mdt/history?recordType=actions&recordId=${odd.id}`,
      )
    ).body;
    expect(oddTrail[0]?.after).toBe('Null \uFFFD and half \uFFFD a symbol');
    // Everything reached the database: a server started afresh on it has the last action too.
    await server.close();
    const again = await startTestServer({ db });
    const later = connectClient(again.url, 'riverside-frailty-mdt', {
      cookie: (await signedIn(again.url, DEMO.member)).cookie,
    });
    await later.synced();
    expect(later.board.readActions().map((r) => r.ok && r.value.title)).toContain(
      'Written after the odd text',
    );
  });
});
