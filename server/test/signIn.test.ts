import { describe, expect, it } from 'vitest';
import type { ApiError } from '#shared/api';
import type { AuthOptions, CurrentUser, SessionAnswer } from '#shared/auth';
import { AccessEvents } from '../src/access/accessEvents.ts';
import { SESSION_COOKIE } from '../src/auth/cookies.ts';
import { SessionStore } from '../src/auth/sessions.ts';
import { openDatabase } from '../src/db/connect.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { seedIfEmpty } from '../src/seed.ts';
import { DEMO, DEMO_PASSWORD, api, signedIn } from './support/auth.ts';
import { testDb } from './support/boards.ts';
import { startTestServer } from './support/server.ts';

const signInAs = (url: string, email: string, password: string, headers: Record<string, string> = {}) =>
  api<SessionAnswer & ApiError>(url, 'POST', '/api/auth/sign-in', { body: { email, password }, headers });

describe('sign-in with email and password', () => {
  it('signs in with a session cookie that is httpOnly and SameSite=Lax, and signs out', async () => {
    const server = await startTestServer({ db: await testDb() });
    const response = await signInAs(server.url, '  Grace.Okafor@Riverside-Community.example ', DEMO_PASSWORD);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'Grace Okafor',
      email: DEMO.member,
      organisation: { id: 'riverside-community' },
      role: null,
      mustChangePassword: false,
      teams: [{ id: 'riverside-frailty-team', role: 'member' }],
    });
    // How long the session lasts unused: the browser keeps what it shows of a board no longer.
    const idleMinutes = loadConfig({}).session.idleMs / 60_000;
    expect(response.body.idleMinutes).toBe(idleMinutes);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    // Served over plain http here (tests): not Secure, or the browser would drop it.
    expect(cookie).not.toMatch(/Secure/i);
    const session = cookie.split(';')[0]!;
    const answer = await api<SessionAnswer>(server.url, 'GET', '/api/auth/session', { cookie: session });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ email: DEMO.member, idleMinutes, endsAt: response.body.endsAt });
    // The session's absolute end, as its cookie's.
    const maxAge = Number(/Max-Age=(\d+)/i.exec(cookie)![1]);
    expect(Math.abs(Date.parse(response.body.endsAt) - (Date.now() + maxAge * 1000))).toBeLessThan(60_000);

    const out = await api(server.url, 'POST', '/api/auth/sign-out', { cookie: session });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    expect((await api(server.url, 'GET', '/api/auth/session', { cookie: session })).status).toBe(401);
  });

  it('marks the cookie Secure when the site is served over https', async () => {
    const server = await startTestServer({ db: await testDb(), publicUrl: 'https://huddle.example.nhs.uk' });
    const response = await signInAs(server.url, DEMO.member, DEMO_PASSWORD);
    expect(response.headers.getSetCookie().join(';')).toMatch(/Secure/i);
  });

  it('gives one message for a wrong password and an unknown email, and checks the input', async () => {
    const server = await startTestServer({ db: await testDb() });
    const wrong = await signInAs(server.url, DEMO.member, 'not the password');
    const unknown = await signInAs(server.url, 'nobody@riverside.example', 'whatever it is');
    expect([wrong.status, wrong.body.error]).toEqual([401, 'The email address or password is not right']);
    expect([unknown.status, unknown.body.error]).toEqual([wrong.status, wrong.body.error]);
    expect(wrong.headers.getSetCookie()).toEqual([]);

    const empty = await signInAs(server.url, '', '');
    expect(empty.status).toBe(400);
    expect(empty.body.issues?.map((i) => i.path).sort()).toEqual(['email', 'password']);
    const malformed = await signInAs(server.url, 'not an email', 'x');
    expect(malformed.body.error).toMatch(/email address in the right format/);
    const options = await api<AuthOptions>(server.url, 'GET', '/api/auth/options');
    expect(options.body).toEqual({ password: true, oidc: null });
  });

  it('holds an account after repeated failures, with a clear message, even for the right password', async () => {
    const server = await startTestServer({ db: await testDb() });
    for (let i = 0; i < 5; i++) {
      expect((await signInAs(server.url, DEMO.member, `guess ${i}`)).status).toBe(401);
    }
    const held = await signInAs(server.url, DEMO.member, DEMO_PASSWORD);
    expect(held.status).toBe(429);
    expect(held.body.error).toMatch(
      /too many failed attempts to sign in to this account. Try again in 15 minutes/,
    );
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(800);
    // Other accounts are not held by one account's failures.
    expect((await signInAs(server.url, DEMO.otherMember, DEMO_PASSWORD)).status).toBe(200);

    // An admin resetting the password lifts the hold.
    const admin = await signedIn(server.url, DEMO.admin);
    const reset = await admin.post<{ temporaryPassword: string }>(
      '/api/users/demo-grace-okafor/reset-password',
    );
    expect(reset.status).toBe(200);
    const back = await signInAs(server.url, DEMO.member, reset.body.temporaryPassword);
    expect([back.status, back.body.mustChangePassword]).toEqual([200, true]);
  });

  it('holds an address after repeated failures across many accounts', async () => {
    const server = await startTestServer({
      db: await testDb(),
      throttle: { maxPerAccount: 5, maxPerAddress: 8, windowMs: 60_000 },
    });
    for (let i = 0; i < 8; i++) {
      expect((await signInAs(server.url, `someone${i}@riverside.example`, 'guess')).status).toBe(401);
    }
    const held = await signInAs(server.url, DEMO.member, DEMO_PASSWORD);
    expect(held.status).toBe(429);
    expect(held.body.error).toMatch(/too many failed sign-in attempts from this network/);
  });

  it('makes a temporary password be changed before anything else, and ends other sessions on a change', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const { temporaryPassword } = (
      await admin.post<{ temporaryPassword: string }>('/api/users/demo-lucy-evans/reset-password')
    ).body;
    const lucy = await signedIn(server.url, 'lucy.evans@riverside-asc.example', temporaryPassword);
    const elsewhere = await signedIn(server.url, 'lucy.evans@riverside-asc.example', temporaryPassword);
    const blocked = await lucy.get<ApiError>('/api/boards');
    expect([blocked.status, blocked.body.error]).toEqual([
      403,
      'Change your temporary password before you go on',
    ]);
    expect((await lucy.get<CurrentUser>('/api/auth/session')).body.mustChangePassword).toBe(true);

    const wrongCurrent = await lucy.post<ApiError>('/api/auth/password', {
      currentPassword: 'not it',
      newPassword: 'a long new password',
    });
    expect([wrongCurrent.status, wrongCurrent.body.issues?.[0]?.path]).toEqual([400, 'currentPassword']);
    const tooShort = await lucy.post<ApiError>('/api/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: 'short',
    });
    expect(tooShort.body.error).toBe('Your new password must be at least 10 characters');

    const changed = await lucy.post<CurrentUser>('/api/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: 'kettle on at handover',
    });
    expect([changed.status, changed.body.mustChangePassword]).toEqual([200, false]);
    expect((await lucy.get('/api/boards')).status).toBe(200);
    expect((await elsewhere.get('/api/auth/session')).status).toBe(401);
    expect((await signInAs(server.url, 'lucy.evans@riverside-asc.example', temporaryPassword)).status).toBe(
      401,
    );
    expect(
      (await signInAs(server.url, 'lucy.evans@riverside-asc.example', 'kettle on at handover')).status,
    ).toBe(200);
  });
});

describe('session expiry', () => {
  it('ends a session after the idle time without activity, and at its absolute end however active', async () => {
    const db = await testDb();
    const handle = await openDatabase({
      databaseUrl: db.databaseUrl,
      dataDir: db.dataDir,
      log: createLogger('silent'),
    });
    await seedIfEmpty(handle.db, createLogger('silent'));
    try {
      let now = Date.parse('2026-11-23T09:00:00Z');
      const minute = 60_000;
      const sessions = new SessionStore(
        handle.db,
        { idleMs: 30 * minute, maxAgeMs: 120 * minute },
        new AccessEvents(),
        () => now,
      );
      const active = await sessions.create('demo-grace-okafor');
      const idle = await sessions.create('demo-priya-shah');
      // Grace works through the morning, a little every 20 minutes; Priya walks away.
      for (let i = 0; i < 5; i++) {
        now += 20 * minute;
        expect(await sessions.resolve(active.token)).not.toBeNull();
      }
      expect(await sessions.resolve(idle.token)).toBeNull();
      now += 20 * minute + 1;
      // Two hours after sign-in the session is over, active or not.
      expect(await sessions.resolve(active.token)).toBeNull();
    } finally {
      await handle.close();
    }
  });
});
