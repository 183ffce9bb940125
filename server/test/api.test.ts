import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { io as connectIo } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ApiError, HealthResponse } from '#shared/api';
import type { BoardSummary } from '#shared/boards';
import type { Organisation } from '#shared/organisations';
import { SOCKET_IO_PATH, type ServerToClientEvents } from '#shared/events';
import { isValidNhsNumber } from '#shared/board/nhsNumber';
import type { CurrentUser } from '#shared/auth';
import { PATHWAY_TEMPLATES } from '#shared/board/pathway';
import { DEMO_BOARD_ID, DEMO_DISCHARGE_BOARD_ID } from '../src/seed.ts';
import { DEMO, api, signedIn } from './support/auth.ts';
import { connectClient } from './support/clients.ts';
import { newBoard, testDb } from './support/boards.ts';
import { startTestServer } from './support/server.ts';

describe('REST API and app events', () => {
  it('reports health with the database in use', async () => {
    const server = await startTestServer({ db: await testDb() });
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect((await response.json()) as HealthResponse).toEqual({
      ok: true,
      db: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      database: 'ok',
      storage: 'ok',
      pendingUpdates: 0,
      oldestPendingMs: 0,
      refusedBoards: 0,
    });
  });

  it('seeds a fictional Place on an empty database: organisations of every kind, teams, staff and boards', async () => {
    const server = await startTestServer({ db: await testDb() });
    const member = await signedIn(server.url, DEMO.member);
    const organisations = (await member.get<Organisation[]>('/api/organisations')).body;
    expect(new Set(organisations.map((o) => o.kind))).toEqual(
      new Set(['nhs_trust', 'gp_practice', 'council_social_care', 'voluntary']),
    );
    const boards = (await member.get<BoardSummary[]>('/api/boards')).body;
    expect(boards.map((b) => [b.id, b.access])).toEqual([[DEMO_BOARD_ID, 'edit']]);
    const admin = await signedIn(server.url, DEMO.admin);
    expect((await admin.get<BoardSummary[]>('/api/boards')).body.map((b) => b.id).sort()).toEqual(
      [DEMO_BOARD_ID, DEMO_DISCHARGE_BOARD_ID].sort(),
    );

    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: member.cookie });
    await client.synced();
    const people = client.board.readPeople().flatMap((r) => (r.ok ? [r.value] : []));
    expect(people.length).toBeGreaterThanOrEqual(3);
    for (const person of people) {
      expect(person.nhsNumber).toMatch(/^999\d{7}$/);
      expect(isValidNhsNumber(person.nhsNumber!)).toBe(true);
    }
    const orgIds = new Set(organisations.map((o) => o.id));
    for (const read of client.board.readActions()) {
      expect(read.ok && orgIds.has(read.value.ownerOrganisationId)).toBe(true);
    }
    expect(client.board.readPathwayStages().map((s) => s.ok && s.value.name)).toEqual([
      ...PATHWAY_TEMPLATES.frailty.stages,
    ]);
  });

  it('seeds staff in several organisations with every global and team role, all able to sign in', async () => {
    const server = await startTestServer({ db: await testDb() });
    const users = await Promise.all(
      Object.values(DEMO).map(async (email) => {
        const user = await signedIn(server.url, email);
        return (await user.get<CurrentUser>('/api/auth/session')).body;
      }),
    );
    expect(new Set(users.map((u) => u.organisation?.id)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(users.map((u) => u.role))).toEqual(new Set(['admin', 'manager', null]));
    expect(new Set(users.flatMap((u) => u.teams.map((t) => t.role)))).toEqual(
      new Set(['facilitator', 'member', 'viewer']),
    );
    expect(users.every((u) => !u.mustChangePassword)).toBe(true);
  });

  it('does not seed again on a database that already has boards', async () => {
    const db = await testDb();
    const first = await startTestServer({ db });
    await newBoard(first.url, 'Enhanced team handover');
    await first.close();
    const second = await startTestServer({ db });
    const admin = await signedIn(second.url, DEMO.admin);
    const boards = (await admin.get<BoardSummary[]>('/api/boards')).body;
    expect(boards.map((b) => b.name).sort()).toEqual([
      'Enhanced team handover',
      'Riverside discharge to assess',
      'Riverside frailty MDT',
    ]);
  });

  it('answers bad requests with a clear JSON error and creates nothing', async () => {
    const server = await startTestServer({ db: await testDb() });
    const admin = await signedIn(server.url, DEMO.admin);
    const teamIds = ['riverside-frailty-team'];
    const cases = [
      await admin.post('/api/boards', { name: '   ', teamIds }),
      await admin.post('/api/boards', { teamIds }),
      await admin.post('/api/boards', { name: 'x'.repeat(500), teamIds }),
      await api(server.url, 'POST', '/api/boards', {
        cookie: admin.cookie,
        body: undefined,
        headers: { 'content-type': 'application/json' },
      }),
    ];
    const broken = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin.cookie },
      body: '{"name": ',
    });
    expect([...cases.map((c) => c.status), broken.status]).toEqual([400, 400, 400, 400, 400]);
    expect((cases[0]!.body as ApiError).error).toBe('Give the board a name');
    expect((cases[2]!.body as ApiError).error).toMatch(/120 characters/);
    expect(typeof ((await broken.json()) as ApiError).error).toBe('string');
    expect((await admin.get<BoardSummary[]>('/api/boards')).body).toHaveLength(2);

    const missing = await admin.get<ApiError>('/api/boards/no-such-board');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/no board/i);
    const unknown = await admin.get<ApiError>('/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toHaveProperty('error');
  });

  it('tells the people who can open a new board about it over socket.io, and no one else', async () => {
    const server = await startTestServer({ db: await testDb() });
    const listen = async (email: string) => {
      const { cookie } = await signedIn(server.url, email);
      const socket = connectIo(server.url, {
        path: SOCKET_IO_PATH,
        transports: ['websocket'],
        extraHeaders: { cookie },
      });
      onTestFinished(() => void socket.close());
      const announced: BoardSummary[] = [];
      socket.on('board:created' satisfies keyof ServerToClientEvents, (board: BoardSummary) =>
        announced.push(board),
      );
      await expect.poll(() => socket.connected).toBe(true);
      return announced;
    };
    const member = await listen(DEMO.member);
    const otherTeam = await listen(DEMO.otherTeam);

    const boardId = await newBoard(server.url, 'Virtual ward');
    await expect
      .poll(() => member.map((b) => [b.id, b.name, b.access]))
      .toEqual([[boardId, 'Virtual ward', 'edit']]);
    // The other team's socket hears nothing; a later event shows it is still listening.
    const theirs = await newBoard(server.url, 'Discharge huddle', ['riverside-discharge-team']);
    await expect.poll(() => otherTeam.map((b) => b.id)).toEqual([theirs]);
  });

  it('serves the SPA for its own routes, and a 404 for missing files and API paths', async () => {
    const clientDir = mkdtempSync(path.join(tmpdir(), 'huddle-client-'));
    mkdirSync(path.join(clientDir, 'assets'));
    writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>Huddle</title>');
    writeFileSync(path.join(clientDir, 'assets', 'app.js'), 'console.log(1)');
    const server = await startTestServer({ db: await testDb(), clientDir });

    for (const route of ['/', '/boards/riverside-frailty-mdt', '/boards/x?tab=actions']) {
      const page = await fetch(`${server.url}${route}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Huddle</title>');
    }
    expect((await fetch(`${server.url}/boards/x`, { method: 'HEAD' })).status).toBe(200);
    const script = await fetch(`${server.url}/assets/app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    // Built files (their names carry a hash) are kept for good; the page is asked about each time.
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${server.url}/boards/x`)).headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${server.url}/`)).headers.get('cache-control')).toBe('no-cache');
    const stale = await fetch(`${server.url}/assets/index-old.js`);
    expect(stale.status).toBe(404);
    expect(stale.headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${server.url}/favicon.ico`)).status).toBe(404);
  });

  it("sends a browser the build's gzip or Brotli copy of a file when it takes one, and the file itself otherwise", async () => {
    const clientDir = mkdtempSync(path.join(tmpdir(), 'huddle-client-'));
    mkdirSync(path.join(clientDir, 'assets'));
    const page = Buffer.from(`<!doctype html><title>Huddle</title>${'<p>The board.</p>'.repeat(100)}`);
    const script = Buffer.from(`console.log(${JSON.stringify('the app '.repeat(500))});`);
    for (const [name, bytes] of [
      ['index.html', page],
      ['assets/app.js', script],
    ] as const) {
      writeFileSync(path.join(clientDir, name), bytes);
      writeFileSync(path.join(clientDir, `${name}.br`), brotliCompressSync(bytes));
      writeFileSync(path.join(clientDir, `${name}.gz`), gzipSync(bytes));
    }
    // A file the build wrote no copies of (too small to be worth it).
    writeFileSync(path.join(clientDir, 'assets', 'tiny.js'), 'void 0;');
    const server = await startTestServer({ db: await testDb(), clientDir });

    /** A GET (or HEAD) saying exactly which encodings it takes, with the answer's bytes as sent. */
    const get = (pathname: string, acceptEncoding: string | null, method = 'GET') =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
        (resolve, reject) => {
          const headers = acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding };
          const req = httpRequest(`${server.url}${pathname}`, { method, headers }, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                body: Buffer.concat(chunks),
              }),
            );
            response.on('error', reject);
          });
          req.on('error', reject);
          req.end();
        },
      );

    const brotli = await get('/assets/app.js', 'gzip, deflate, br');
    expect(brotli.status).toBe(200);
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['content-type']).toMatch(/javascript/);
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotli.headers.vary).toMatch(/Accept-Encoding/i);
    expect(brotli.body.length).toBeLessThan(script.length / 4);
    expect(brotliDecompressSync(brotli.body).equals(script)).toBe(true);

    const gzip = await get('/assets/app.js', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(script)).toBe(true);
    // Refused by weight: Brotli is not sent to a client that says it does not take it.
    const notBrotli = await get('/assets/app.js', 'br;q=0, gzip');
    expect(notBrotli.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(notBrotli.body).equals(script)).toBe(true);

    // No encoding, one the build keeps no copy in, or nonsense: the file as it is.
    for (const acceptEncoding of [
      null,
      'identity',
      'deflate',
      'zstd',
      'x'.repeat(2000),
      ';;,,q=',
      'br;q=nonsense',
    ]) {
      const plain = await get('/assets/app.js', acceptEncoding);
      expect(plain.status, String(acceptEncoding)).toBe(200);
      expect(plain.headers['content-encoding'], String(acceptEncoding)).toBeUndefined();
      expect(plain.body.equals(script), String(acceptEncoding)).toBe(true);
    }
    const tiny = await get('/assets/tiny.js', 'gzip, deflate, br');
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.toString()).toBe('void 0;');

    // The page, at a board's address too, and a HEAD: the same encoding, nothing in the body.
    const board = await get('/boards/riverside-frailty-mdt', 'gzip, br');
    expect(board.status).toBe(200);
    expect(board.headers['content-encoding']).toBe('br');
    expect(board.headers['content-type']).toMatch(/html/);
    expect(board.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(board.body).equals(page)).toBe(true);
    const head = await get('/boards/riverside-frailty-mdt', 'gzip', 'HEAD');
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.body.length).toBe(0);

    // A missing file is still a 404, whichever encoding is asked for.
    const missing = await get('/assets/index-old.js', 'gzip, br');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/json/);
  });
});
