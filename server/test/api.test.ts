import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connectIo } from 'socket.io-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ApiError, BoardSummary, HealthResponse, Organisation } from '../../shared/api.ts';
import { SOCKET_IO_PATH, type ServerToClientEvents } from '../../shared/events.ts';
import { isValidNhsNumber } from '../../shared/nhsNumber.ts';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import { connectClient } from './support/clients.ts';
import { testDb, memberCookie } from './support/boards.ts';
import { startTestServer } from './support/server.ts';

async function post(url: string, body: string, contentType = 'application/json') {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('REST API and app events', () => {
  it('reports health with the database in use', async () => {
    const server = await startTestServer({ db: await testDb() });
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect((await response.json()) as HealthResponse).toEqual({
      ok: true,
      db: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    });
  });

  it('seeds a fictional Place on an empty database: organisations of every kind and a frailty MDT board', async () => {
    const server = await startTestServer({ db: await testDb() });
    const organisations = (await (await fetch(`${server.url}/api/organisations`)).json()) as Organisation[];
    expect(new Set(organisations.map((o) => o.kind))).toEqual(
      new Set(['nhs_trust', 'gp_practice', 'council_social_care', 'voluntary']),
    );
    const boards = (await (await fetch(`${server.url}/api/boards`)).json()) as BoardSummary[];
    expect(boards.map((b) => b.id)).toEqual([DEMO_BOARD_ID]);

    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: await memberCookie(server.url) });
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
  });

  it('does not seed again on a database that already has boards', async () => {
    const db = await testDb();
    const first = await startTestServer({ db });
    await post(`${first.url}/api/boards`, JSON.stringify({ name: 'Enhanced team handover' }));
    await first.close();
    const second = await startTestServer({ db });
    const boards = (await (await fetch(`${second.url}/api/boards`)).json()) as BoardSummary[];
    expect(boards.map((b) => b.name).sort()).toEqual(['Enhanced team handover', 'Riverside frailty MDT']);
  });

  it('creates a board, trims its name, and lists it', async () => {
    const server = await startTestServer({ db: await testDb() });
    const created = await post(
      `${server.url}/api/boards`,
      JSON.stringify({ name: '  Discharge to assess  ' }),
    );
    expect(created.status).toBe(201);
    const board = created.body as BoardSummary;
    expect(board.name).toBe('Discharge to assess');
    expect(await (await fetch(`${server.url}/api/boards/${board.id}`)).json()).toEqual(board);
    const list = (await (await fetch(`${server.url}/api/boards`)).json()) as BoardSummary[];
    expect(list).toContainEqual(board);
  });

  it('answers bad requests with a clear JSON error and creates nothing', async () => {
    const server = await startTestServer({ db: await testDb() });
    const url = `${server.url}/api/boards`;
    const cases = [
      await post(url, JSON.stringify({ name: '   ' })),
      await post(url, JSON.stringify({})),
      await post(url, JSON.stringify({ name: 'x'.repeat(500) })),
      await post(url, '{"name": '),
    ];
    expect(cases.map((c) => c.status)).toEqual([400, 400, 400, 400]);
    expect((cases[0]!.body as ApiError).error).toBe('Give the board a name');
    expect((cases[2]!.body as ApiError).error).toMatch(/120 characters/);
    expect(typeof (cases[3]!.body as ApiError).error).toBe('string');
    const list = (await (await fetch(url)).json()) as BoardSummary[];
    expect(list).toHaveLength(1);

    const missing = await fetch(`${server.url}/api/boards/no-such-board`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ApiError).error).toMatch(/no board/i);
    const unknown = await fetch(`${server.url}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()) as ApiError).toHaveProperty('error');
  });

  it('tells every open board list about a new board over socket.io', async () => {
    const server = await startTestServer({ db: await testDb() });
    const socket = connectIo(server.url, { path: SOCKET_IO_PATH, transports: ['websocket'] });
    onTestFinished(() => void socket.close());
    const announced: BoardSummary[] = [];
    socket.on('board:created' satisfies keyof ServerToClientEvents, (board: BoardSummary) =>
      announced.push(board),
    );
    await expect.poll(() => socket.connected).toBe(true);

    const created = (await post(`${server.url}/api/boards`, JSON.stringify({ name: 'Virtual ward' }))).body;
    await expect.poll(() => announced).toEqual([created]);
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
    expect((await fetch(`${server.url}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    const stale = await fetch(`${server.url}/assets/index-old.js`);
    expect(stale.status).toBe(404);
    expect(stale.headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${server.url}/favicon.ico`)).status).toBe(404);
  });
});
