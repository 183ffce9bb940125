import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '#shared/api';
import { DEMO_BOARD_ID } from '../../src/seed.ts';
import { DEMO, signIn } from '../support/auth.ts';
import { DATABASE_KINDS, useSharedServer } from '../support/sharedServer.ts';

const clientDir = mkdtempSync(path.join(tmpdir(), 'huddle-hostile-client-'));
mkdirSync(path.join(clientDir, 'assets'));
writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>Huddle</title>');
writeFileSync(path.join(clientDir, 'assets', 'app.js'), 'console.log(1)');
afterAll(() => rmSync(clientDir, { recursive: true, force: true }));

describe.each(DATABASE_KINDS)('hostile REST requests (%s)', (kind) => {
  // One server for the file: no request here changes anything, so none disturbs another.
  const server = useSharedServer(kind, {
    clientDir,
    // Single sign-on at a provider that is not there: its routes still read their query first.
    oidc: {
      issuer: 'http://127.0.0.1:9',
      clientId: 'huddle',
      clientSecret: 'secret',
      redirectUri: 'http://127.0.0.1/api/auth/oidc/callback',
      label: 'NHS single sign-on',
      provision: false,
    },
  });
  let admin: string;
  beforeAll(async () => {
    admin = await signIn(server().url, DEMO.admin);
  });

  interface RawResponse {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    text: string;
    body: ApiError | undefined;
  }

  /**
   * Sends `target` exactly as written (fetch would tidy `..` and encodings away), as the signed-in
   * admin unless `cookie` says otherwise, with the site's own Origin.
   */
  function send(
    method: string,
    target: string,
    options: { body?: string; cookie?: string | null; headers?: Record<string, string> } = {},
  ): Promise<RawResponse> {
    const headers: Record<string, string> = { origin: server().url, ...options.headers };
    const cookie = options.cookie === undefined ? admin : options.cookie;
    if (cookie !== null) headers.cookie = cookie;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server().port, method, path: target, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let body: ApiError | undefined;
            try {
              body = JSON.parse(text) as ApiError;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
          });
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  /** A clear refusal: the status, JSON with a message, and never a server error. */
  function expectRefused(response: RawResponse, statuses: number[], what: string): void {
    expect(statuses, `${what} answered ${response.status}: ${response.text.slice(0, 200)}`).toContain(
      response.status,
    );
    expect(response.body?.error, `${what} gave no message`).toEqual(expect.any(String));
  }

  const BOARD = DEMO_BOARD_ID;
  const TEAM = 'riverside-frailty-team';
  const USER = 'demo-grace-okafor';

  /** Every REST route with a path parameter, with a body it would accept. */
  const ROUTES: {
    method: string;
    path: (id: string, second?: string) => string;
    body?: unknown;
    what: string;
  }[] = [
    {
      method: 'PATCH',
      path: (id) => `/api/organisations/${id}`,
      body: { name: 'X', kind: 'other' },
      what: 'organisation',
    },
    { method: 'GET', path: (id) => `/api/users/${id}`, what: 'user' },
    { method: 'PATCH', path: (id) => `/api/users/${id}`, body: { profession: 'GP' }, what: 'user' },
    { method: 'POST', path: (id) => `/api/users/${id}/reset-password`, what: 'user' },
    { method: 'GET', path: (id) => `/api/teams/${id}`, what: 'team' },
    { method: 'PATCH', path: (id) => `/api/teams/${id}`, body: { name: 'A team' }, what: 'team' },
    {
      method: 'PUT',
      path: (id) => `/api/teams/${id}/members/${USER}`,
      body: { role: 'member' },
      what: 'team',
    },
    {
      method: 'PUT',
      path: (id) => `/api/teams/${TEAM}/members/${id}`,
      body: { role: 'member' },
      what: 'user',
    },
    { method: 'DELETE', path: (id) => `/api/teams/${id}/members/${USER}`, what: 'team' },
    { method: 'DELETE', path: (id) => `/api/teams/${TEAM}/members/${id}`, what: 'user' },
    { method: 'GET', path: (id) => `/api/boards/${id}`, what: 'board' },
    { method: 'PATCH', path: (id) => `/api/boards/${id}`, body: { name: 'A board' }, what: 'board' },
    { method: 'GET', path: (id) => `/api/boards/${id}/members`, what: 'board' },
    { method: 'GET', path: (id) => `/api/boards/${id}/history?recordType=people&recordId=p1`, what: 'board' },
  ];

  /** Path parameters, as sent on the wire, that hold what Postgres or the router cannot take. */
  const UNREADABLE = [
    '%00',
    `${BOARD}%00`,
    '%ED%A0%80', // a lone surrogate, UTF-8 encoded
    '%E0%A4%A', // broken percent-encoding
    '%C0%AE%C0%AE', // an overlong "..", invalid UTF-8
    '%FF%FE',
    '%uD800',
    'x'.repeat(10_000),
  ];

  /** Path parameters that are readable text but cannot be the id of anything. */
  const NO_SUCH_ID = [
    '..',
    '%2e%2e',
    '..%2f..%2fetc%2fpasswd',
    '%2e%2e%5c%2e%2e%5cwindows',
    '%252e%252e',
    `${BOARD}'%3B%20drop%20table%20users%3B--`,
    '%0d%0aSet-Cookie:%20huddle_session=forged',
    '%F0%9F%A9%BA',
    '%20',
    'x'.repeat(99),
  ];

  describe('hostile path parameters', () => {
    it('are refused on every route with a clear 400 or 404, never a server error', async () => {
      for (const route of ROUTES) {
        const body = route.body === undefined ? undefined : JSON.stringify(route.body);
        for (const segment of UNREADABLE) {
          const target = route.path(segment);
          const response = await send(route.method, target, { body });
          expectRefused(response, [400], `${route.method} ${target.slice(0, 80)}`);
        }
        for (const segment of NO_SUCH_ID) {
          const target = route.path(segment);
          const response = await send(route.method, target, { body });
          expectRefused(response, [404], `${route.method} ${target.slice(0, 80)}`);
          expect(response.body?.error).toBe(`There is no ${route.what} with that id`);
          expect(response.headers['set-cookie']).toBeUndefined();
        }
        // Signed out, the same requests are refused as well: nothing reaches the database.
        const signedOut = await send(route.method, route.path('%00'), { body, cookie: null });
        expectRefused(signedOut, [400, 401], `signed out ${route.method} ${route.path('%00')}`);
      }
    });

    it('never serve a file from outside the client, and a NUL is a 400 there too', async () => {
      for (const target of [
        '/..%2f..%2f..%2fetc%2fpasswd',
        '/assets/..%2f..%2f..%2fetc%2fpasswd',
        '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        '/%2e%2e/%2e%2e/package.json',
        '/assets/%00.js',
        '/%00',
        '/boards/%E0%A4%A',
      ]) {
        const response = await send('GET', target);
        expect(response.status, target).toBeLessThan(500);
        expect(response.text, target).not.toMatch(/root:|"name": "huddle"/);
      }
      // An absolute-form target, as a proxy would send it.
      const absolute = await send('GET', 'http://a:99999/api/boards/x');
      expect(absolute.status).toBeLessThan(500);
    });
  });

  describe('hostile query strings and cookies', () => {
    it('are refused with a clear message, never a server error', async () => {
      const history = `/api/boards/${BOARD}/history`;
      const refusals: [string, number][] = [
        [`${history}?recordType=people%00&recordId=p1`, 400],
        [`${history}?recordType=people&recordId=${'x'.repeat(5000)}`, 400],
        [`${history}?recordType=people&recordType=goals&recordId=p1`, 400],
        [`${history}?recordType[]=people&recordId=p1`, 400],
        [`${history}?recordType=people&${'recordId=p1&'.repeat(200)}`, 400],
        ['/api/admin/audit.csv?from=%00&to=2026-01-01', 400],
        ['/api/admin/audit.csv?from=2026-13-45&to=2026-01-01', 400],
        ['/api/admin/audit.csv?from=2026-01-01&to=2026-01-02&to=2026-01-03', 400],
        ['/api/auth/oidc/callback?state=%00', 400],
        ['/api/auth/oidc/start?returnTo=%00', 400],
      ];
      for (const [target, status] of refusals) expectRefused(await send('GET', target), [status], target);

      // Odd but readable: ignored, or answered as the route always answers.
      expect((await send('GET', '/api/boards?__proto__=x&constructor[prototype]=y')).status).toBe(200);
      // Broken percent-encoding in a query is kept as the text it is: a record type nobody has.
      const undecodable = await send('GET', `${history}?recordType=%E0%A4%A&recordId=%ED%A0%80`);
      expect([undecodable.status, undecodable.body]).toEqual([200, []]);
      for (const state of ['x'.repeat(1000), 'a b', "' or 1=1 --", '\u{1FA7A}']) {
        const target = `/api/auth/oidc/callback?state=${encodeURIComponent(state)}&code=c`;
        const callback = await send('GET', target, { cookie: null });
        expect(callback.status).toBe(302);
        expect(callback.headers.location).toMatch(/^\/sign-in\?error=/);
      }

      for (const [i, cookie] of [
        'huddle_session=%00',
        `huddle_session=${'A'.repeat(5000)}`,
        'huddle_session=a; huddle_session=b',
        'huddle_session="\\"; huddle_device=%ED%A0%80',
        `huddle_session=${'%E0%A4%A'.repeat(100)}`,
        ';;;=;=;huddle_session',
      ].entries()) {
        expectRefused(await send('GET', '/api/auth/session', { cookie }), [401], cookie.slice(0, 60));
        const signInWith = await send('POST', '/api/auth/sign-in', {
          cookie: `${cookie}; huddle_device=%00`,
          body: JSON.stringify({ email: `nobody.${i}@riverside.example`, password: 'guess' }),
          headers: { 'user-agent': 'x'.repeat(10_000), 'x-forwarded-for': '%00, junk' },
        });
        expectRefused(signInWith, [401], `sign-in with ${cookie.slice(0, 60)}`);
      }
    });
  });

  describe('deeply nested request bodies', () => {
    const deepArray = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const BODY_ROUTES: [string, string, (deep: string) => string][] = [
      ['POST', '/api/auth/sign-in', (deep) => `{"email":"a@riverside.example","password":"x","x":${deep}}`],
      ['POST', '/api/auth/password', (deep) => `{"currentPassword":${deep},"newPassword":"long enough now"}`],
      ['POST', '/api/organisations', (deep) => `{"name":${deep},"kind":"other"}`],
      ['PATCH', '/api/organisations/riverside-asc', (deep) => `{"name":${deep}}`],
      ['POST', '/api/users', (deep) => `{"name":"A","email":"a@riverside.example","managedTeamIds":${deep}}`],
      ['PATCH', `/api/users/${USER}`, (deep) => `{"managedTeamIds":${deep}}`],
      ['POST', '/api/teams', (deep) => `{"name":${deep}}`],
      ['PATCH', `/api/teams/${TEAM}`, (deep) => `{"name":${deep}}`],
      ['PUT', `/api/teams/${TEAM}/members/${USER}`, (deep) => `{"role":${deep}}`],
      ['POST', '/api/boards', (deep) => `{"name":"A board","teamIds":${deep}}`],
      ['PATCH', `/api/boards/${BOARD}`, (deep) => `{"teamIds":${deep}}`],
    ];

    it('get a 400 saying so on every route that takes a body, and the server carries on', async () => {
      for (const [method, target, body] of BODY_ROUTES) {
        for (const deep of [deepArray, deepObject]) {
          const response = await send(method, target, { body: body(deep) });
          expectRefused(response, [400], `${method} ${target}`);
          expect(response.body?.error).toBe('This request is nested too deeply to be read');
        }
      }
      // Still answering, and nothing was changed.
      const board = await send('GET', `/api/boards/${BOARD}`);
      expect(board.status).toBe(200);
      expect((board.body as unknown as { name: string }).name).toBe('Riverside frailty MDT');
    });

    it('refuse a password longer than any can be, before hashing it or counting it', async () => {
      const long = 'x'.repeat(500_000);
      const signInLong = await send('POST', '/api/auth/sign-in', {
        cookie: null,
        body: JSON.stringify({ email: 'nobody.long@riverside.example', password: long }),
      });
      expectRefused(signInLong, [400], 'a long sign-in password');
      // More of them than the throttle's limit: none is counted as a wrong password, so none is held.
      for (let i = 0; i < 6; i++) {
        const changeLong = await send('POST', '/api/auth/password', {
          body: JSON.stringify({ currentPassword: long, newPassword: 'a long new password' }),
        });
        expectRefused(changeLong, [400], 'a long current password');
        expect(changeLong.body?.issues?.[0]).toEqual({
          path: 'currentPassword',
          message: 'Your current password is not right',
        });
      }
    });
  });
});
