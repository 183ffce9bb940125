import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiError } from '#shared/api';
import type { TemporaryPasswordResponse } from '#shared/users';
import type { CurrentUser } from '#shared/auth';
import { YJS_PATH } from '#shared/sync/protocol';
import { DEVICE_COOKIE, SESSION_COOKIE } from '../../src/auth/cookies.ts';
import { DEMO_BOARD_ID } from '../../src/seed.ts';
import { createClientAddress } from '../../src/http/clientAddress.ts';
import {
  DEMO,
  DEMO_PASSWORD,
  api,
  signIn as signInCookieAt,
  signedIn,
  type ApiResponse,
} from '../support/auth.ts';
import { openAppSocket } from '../support/appSocket.ts';
import { DATABASE_KINDS, useSharedServer } from '../support/sharedServer.ts';

const LIMITS = { maxPerAccount: 5, maxPerAddress: 12, windowMs: 15 * 60_000 };
const TRUST = { hops: 1 } as const;
/** Board connections one address may hold: small, so the test reaches it. */
const CONNECTIONS_PER_ADDRESS = 2;

describe.each(DATABASE_KINDS)('sign-in behind a proxy, against attackers (%s)', (kind) => {
  // One server for the file, behind one trusted proxy (the test itself): each test signs in from its
  // own made-up client addresses and to its own accounts, so the tests do not hold each other.
  const server = useSharedServer(kind, {
    throttle: LIMITS,
    trustProxy: TRUST,
    sync: { maxConnectionsPerAddress: CONNECTIONS_PER_ADDRESS },
  });

  interface From {
    /** X-Forwarded-For as the proxy passes it on: whatever the client sent, then the client's address. */
    forwardedFor: string;
    /** Cookies the browser holds (the device cookie, a session). */
    cookie?: string;
  }

  const signIn = (email: string, password: string, from: From) =>
    api<CurrentUser & ApiError>(server().url, 'POST', '/api/auth/sign-in', {
      body: { email, password },
      cookie: from.cookie,
      headers: { 'x-forwarded-for': from.forwardedFor },
    });

  const signInCookie = (email: string) => signInCookieAt(server().url, email);

  /** `name=value` of a cookie the response sets. */
  function cookieSet(response: ApiResponse, name: string): string {
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
    if (!cookie) throw new Error(`no ${name} cookie was set`);
    return cookie.split(';')[0]!;
  }

  let accounts = 0;
  /** A new account (with a temporary password, which signs in like any other) for one test. */
  async function newAccount(): Promise<{ id: string; email: string; password: string }> {
    const admin = await signedIn(server().url, DEMO.admin);
    const email = `throttle.${++accounts}.${Date.now()}@riverside.example`;
    const created = await admin.post<TemporaryPasswordResponse>('/api/users', {
      name: `Throttle test ${accounts}`,
      email,
      profession: 'Community nurse',
      organisationId: 'riverside-community',
      role: null,
    });
    expect(created.status).toBe(201);
    return { id: created.body.user.id, email, password: created.body.temporaryPassword };
  }

  const statuses = (responses: ApiResponse[]) => responses.map((r) => r.status).sort();

  describe('the sign-in throttle under concurrent attempts', () => {
    it('checks at most the limit of 30 wrong passwords sent at once, and refuses the rest at once with Retry-After', async () => {
      const { email, password } = await newAccount();
      const from = { forwardedFor: '203.0.113.21' };
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => signIn(email, `wrong guess ${i}`, from)),
      );
      expect(statuses(answers)).toEqual([...Array(5).fill(401), ...Array(25).fill(429)]);
      for (const held of answers.filter((a) => a.status === 429)) {
        expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(800);
        expect(held.body.error).toMatch(/too many failed attempts to sign in to this account/);
      }
      // Held, even for the right password.
      expect((await signIn(email, password, from)).status).toBe(429);
    });

    it('checks at most the limit of 30 wrong current passwords sent at once to change a password', async () => {
      const { email, password } = await newAccount();
      const from = { forwardedFor: '203.0.113.22' };
      const session = cookieSet(await signIn(email, password, from), SESSION_COOKIE);
      const change = (currentPassword: string) =>
        api<ApiError>(server().url, 'POST', '/api/auth/password', {
          cookie: session,
          body: { currentPassword, newPassword: 'a kettle for the ward' },
          headers: { 'x-forwarded-for': from.forwardedFor },
        });
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => change(`not it ${i}`)));
      expect(statuses(answers)).toEqual([...Array(5).fill(400), ...Array(25).fill(429)]);
      for (const held of answers.filter((a) => a.status === 429)) {
        expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(800);
        expect(held.body.error).toMatch(/too many wrong passwords for this account/);
      }
      expect((await change(password)).status).toBe(429);
    });
  });

  describe('client addresses behind a proxy (TRUST_PROXY=1)', () => {
    it('counts failures against the address the proxy saw, whatever X-Forwarded-For the client made up', async () => {
      // The attacker at 203.0.113.7 sends a new made-up address before the proxy's entry each time.
      for (let i = 0; i < LIMITS.maxPerAddress; i++) {
        const answer = await signIn(`nobody.${i}@riverside.example`, 'guess', {
          forwardedFor: `10.9.${i}.1, 203.0.113.7`,
        });
        expect(answer.status).toBe(401);
      }
      const held = await signIn(DEMO.otherMember, DEMO_PASSWORD, { forwardedFor: '10.9.99.1, 203.0.113.7' });
      expect([held.status, held.body.error]).toEqual([
        429,
        'There have been too many failed sign-in attempts from this network. Try again in 15 minutes.',
      ]);
      expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(800);
    });

    it('counts made-up addresses within one IPv6 /64 as one address', async () => {
      for (let i = 0; i < LIMITS.maxPerAddress; i++) {
        const answer = await signIn(`nobody.v6.${i}@riverside.example`, 'guess', {
          forwardedFor: `2001:db8:77:1::${(i + 1).toString(16)}`,
        });
        expect(answer.status).toBe(401);
      }
      const held = await signIn(DEMO.otherMember, DEMO_PASSWORD, { forwardedFor: '2001:db8:77:1:ffff::9' });
      expect(held.status).toBe(429);
    });

    it("does not hold a hospital's network for failures from someone who claims its address", async () => {
      const hospital = '198.51.100.20';
      // Someone elsewhere puts the hospital's address first; the proxy adds where they really are.
      for (let i = 0; i < LIMITS.maxPerAddress; i++) {
        const answer = await signIn(`nobody.poison.${i}@riverside.example`, 'guess', {
          forwardedFor: `${hospital}, 203.0.113.8`,
        });
        expect(answer.status).toBe(401);
      }
      // The nurse behind the hospital's NAT signs in; the one who made the failures is held.
      const nurse = await signIn(DEMO.facilitator, DEMO_PASSWORD, { forwardedFor: hospital });
      expect(nurse.status).toBe(200);
      const attacker = await signIn(DEMO.facilitator, DEMO_PASSWORD, {
        forwardedFor: `${hospital}, 203.0.113.8`,
      });
      expect(attacker.status).toBe(429);
    });

    it('counts board connections per client behind the proxy, not as one address for everyone', async () => {
      const cookie = await signInCookie(DEMO.member);
      const sockets: WebSocket[] = [];
      onTestFinished(() => sockets.forEach((s) => s.terminate()));
      /** The HTTP status an upgrade to the demo board is answered with (101: the socket opened). */
      const upgrade = (forwardedFor: string) =>
        new Promise<{ status: number; socket: WebSocket }>((resolve, reject) => {
          const socket = new WebSocket(`${server().url.replace(/^http/, 'ws')}${YJS_PATH}/${DEMO_BOARD_ID}`, {
            headers: { cookie, origin: server().url, 'x-forwarded-for': forwardedFor },
          });
          sockets.push(socket);
          socket.once('open', () => resolve({ status: 101, socket }));
          socket.once('unexpected-response', (_request, response) =>
            resolve({ status: response.statusCode ?? 0, socket }),
          );
          socket.once('error', reject);
        });
      const ward = '198.51.100.31';
      for (let i = 0; i < CONNECTIONS_PER_ADDRESS; i++) expect((await upgrade(ward)).status).toBe(101);
      expect((await upgrade(ward)).status).toBe(429);
      // A made-up address before the proxy's entry does not make a new client.
      expect((await upgrade(`10.0.0.1, ${ward}`)).status).toBe(429);
      // Someone else behind the same proxy still connects.
      expect((await upgrade('198.51.100.32')).status).toBe(101);
    });

    it('counts socket.io connections per client behind the proxy, too', async () => {
      const cookie = await signInCookie(DEMO.otherMember);
      /** `connected`, or the reason the handshake was refused with. */
      const open = (forwardedFor: string) =>
        new Promise<string>((resolve) => {
          const socket = openAppSocket(server().url, {
            cookie,
            origin: server().url,
            'x-forwarded-for': forwardedFor,
          });
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (err: Error & { data?: { message?: string } }) =>
            resolve(err.data?.message ?? err.message),
          );
        });
      const ward = '198.51.100.41';
      for (let i = 0; i < CONNECTIONS_PER_ADDRESS; i++) expect(await open(ward)).toBe('connected');
      expect(await open(`10.0.0.1, ${ward}`)).toMatch(/from this network address/);
      expect(await open('198.51.100.42')).toBe('connected');
    });

    it('gives the REST layer the same client address as createClientAddress, and believes the proxy about https', async () => {
      const clientAddress = createClientAddress(TRUST);
      const cases = ['192.0.2.77', '10.1.1.1, 192.0.2.78', '::ffff:192.0.2.80', 'not-an-address'];
      for (const forwardedFor of cases) {
        const { email, password } = await newAccount();
        const response = await api(server().url, 'POST', '/api/auth/sign-in', {
          body: { email, password },
          headers: { 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'https' },
        });
        expect(response.status).toBe(200);
        // Arrived over https at the proxy: the cookie is Secure.
        expect(response.headers.getSetCookie().join('\n')).toMatch(/huddle_session=[^\n]*Secure/i);
        const stored = await server()
          .database.db.selectFrom('sessions')
          .innerJoin('users', 'users.id', 'sessions.user_id')
          .select('sessions.address')
          .where('users.email', '=', email)
          .executeTakeFirstOrThrow();
        const request = {
          headers: { 'x-forwarded-for': forwardedFor },
          socket: { remoteAddress: '127.0.0.1' },
        };
        expect(stored.address).toBe(clientAddress(request as never));
      }
    });
  });

  describe('an attacker who knows a clinician’s email', () => {
    it('holds her account for other devices, never on the browser she has signed in on before', async () => {
      const { email, password } = await newAccount();
      // She signs in on her ward PC, which keeps its device cookie after she signs out.
      const first = await signIn(email, password, { forwardedFor: '192.0.2.10' });
      expect(first.status).toBe(200);
      const device = cookieSet(first, DEVICE_COOKIE);
      const deviceSetCookie = first.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE_COOKIE}=`))!;
      expect(deviceSetCookie).toMatch(/HttpOnly/i);
      expect(deviceSetCookie).toMatch(/Path=\/api\/auth/);
      await api(server().url, 'POST', '/api/auth/sign-out', { cookie: cookieSet(first, SESSION_COOKIE) });

      // Someone elsewhere tries five passwords: held for every device she has not used.
      const attacker = { forwardedFor: '203.0.113.9' };
      for (let i = 0; i < LIMITS.maxPerAccount; i++) {
        expect((await signIn(email, `guess ${i}`, attacker)).status).toBe(401);
      }
      const held = await signIn(email, password, attacker);
      expect([held.status, held.body.error]).toEqual([
        429,
        'There have been too many failed attempts to sign in to this account. Try again in 15 minutes, sign in on a device you have signed in on before, or ask an admin to reset your password.',
      ]);
      // A made-up device cookie, or the cookie of a browser trusted for another account, is no key.
      const madeUp = `${DEVICE_COOKIE}=${'A'.repeat(43)}`;
      expect((await signIn(email, password, { ...attacker, cookie: madeUp })).status).toBe(429);
      const own = await signIn(DEMO.manager, DEMO_PASSWORD, attacker);
      expect(own.status).toBe(200);
      const ownDevice = cookieSet(own, DEVICE_COOKIE);
      expect((await signIn(email, password, { ...attacker, cookie: ownDevice })).status).toBe(429);

      // She signs in on her ward PC as always, from the same network or another.
      const back = await signIn(email, password, { forwardedFor: '203.0.113.9', cookie: device });
      expect(back.status).toBe(200);
      expect(back.body.email).toBe(email);
      // Her success does not lift the hold the attacker made.
      expect((await signIn(email, password, attacker)).status).toBe(429);

      // Her own wrong passwords on the ward PC hold that PC, for her account, and nothing else.
      for (let i = 0; i < LIMITS.maxPerAccount; i++) {
        expect(
          (await signIn(email, `typo ${i}`, { forwardedFor: '192.0.2.10', cookie: device })).status,
        ).toBe(401);
      }
      const typo = await signIn(email, password, { forwardedFor: '192.0.2.10', cookie: device });
      expect([typo.status, typo.body.error]).toEqual([
        429,
        'There have been too many wrong passwords for this account on this device. Try again in 15 minutes, or ask an admin to reset your password.',
      ]);
      expect(
        (await signIn(DEMO.otherTeam, DEMO_PASSWORD, { forwardedFor: '192.0.2.10', cookie: device })).status,
      ).toBe(200);
    });

    it('lets an admin lift every hold on the account with a password reset', async () => {
      const { id, email, password } = await newAccount();
      const first = await signIn(email, password, { forwardedFor: '192.0.2.11' });
      const device = cookieSet(first, DEVICE_COOKIE);
      for (let i = 0; i <= LIMITS.maxPerAccount; i++) {
        await signIn(email, `guess ${i}`, { forwardedFor: '203.0.113.10' });
        await signIn(email, `typo ${i}`, { forwardedFor: '192.0.2.11', cookie: device });
      }
      expect((await signIn(email, password, { forwardedFor: '192.0.2.11', cookie: device })).status).toBe(
        429,
      );
      const admin = await signedIn(server().url, DEMO.admin);
      const reset = await admin.post<{ temporaryPassword: string }>(`/api/users/${id}/reset-password`);
      expect(reset.status).toBe(200);
      const newPassword = reset.body.temporaryPassword;
      expect((await signIn(email, newPassword, { forwardedFor: '192.0.2.11', cookie: device })).status).toBe(
        200,
      );
      expect((await signIn(email, newPassword, { forwardedFor: '203.0.113.10' })).status).toBe(200);
    });
  });
});
