import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { HealthResponse } from '#shared/api';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { HuddleServer } from '../../src/server.ts';
import { PostgresBoardStorage } from '../../src/storage/postgresBoardStorage.ts';
import { joinBoardEvents } from '../support/appSocket.ts';
import { DEMO, signIn } from '../support/auth.ts';
import { newBoard, testDb } from '../support/boards.ts';
import { connectClient } from '../support/clients.ts';
import { refuseRows } from '../support/refuseRows.ts';
import { startTestServer } from '../support/server.ts';

const GRACE = { id: 'demo-grace-okafor', name: 'Grace Okafor' };
const STORAGE = loadConfig({}).storage;
const quiet = createLogger('silent');

async function health(url: string): Promise<{ status: number; body: HealthResponse }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as HealthResponse };
}

/** The names of the people stored for a board, read from the database (not the server's memory). */
async function storedPeople(server: HuddleServer, boardId: string): Promise<string[]> {
  const doc = new Y.Doc();
  const storage = new PostgresBoardStorage(server.database.db, { ...STORAGE, warnAfterMs: 500 }, quiet);
  const state = await storage.load(boardId);
  if (state) Y.applyUpdate(doc, state);
  return Object.values(doc.getMap('people').toJSON() as Record<string, { name: string }>)
    .map((person) => person.name)
    .sort();
}

describe('a board whose changes the database refuses', () => {
  it('is kept apart: every other board is stored, health is degraded, its browsers are told (also on opening it), and it is stored once the database takes it', async () => {
    const server = await startTestServer({ db: await testDb(), storage: { warnAfterMs: 500 } });
    const [refusedBoard, otherBoard] = [
      await newBoard(server.url, 'Refused board', undefined, { person: false }),
      await newBoard(server.url, 'Other board', undefined, { person: false }),
    ];
    const cookie = await signIn(server.url, DEMO.member);
    const onRefused = connectClient(server.url, refusedBoard, { cookie });
    const onOther = connectClient(server.url, otherBoard, { cookie });
    await Promise.all([onRefused.synced(), onOther.synced()]);
    const refusedEvents = await joinBoardEvents(server.url, cookie, refusedBoard);
    const otherEvents = await joinBoardEvents(server.url, cookie, otherBoard);
    expect(refusedEvents.joined).toMatchObject({ ok: true, storage: 'stored' });

    const stop = await refuseRows(server.database.db, 'board_updates', `new.board_id = '${refusedBoard}'`);
    onRefused.board.addPerson({ name: 'Albert Jones' }, { by: GRACE });
    onOther.board.addPerson({ name: 'Edith Clarke' }, { by: GRACE });

    await expect.poll(() => refusedEvents.storage).toEqual(['delayed']);
    await expect.poll(() => storedPeople(server, otherBoard)).toEqual(['Edith Clarke']);
    const degraded = await health(server.url);
    expect(degraded.status).toBe(503);
    expect(degraded.body).toMatchObject({ ok: false, database: 'ok', storage: 'degraded', refusedBoards: 1 });
    expect(degraded.body.reason).toMatch(/refuses the changes of 1 board/);
    // Someone opening the board now is told at once.
    const late = await joinBoardEvents(server.url, await signIn(server.url, DEMO.otherMember), refusedBoard);
    expect(late.joined).toMatchObject({ ok: true, access: 'edit', storage: 'delayed' });
    // Other boards carry on as usual, their browsers untroubled.
    onOther.board.addPerson({ name: 'Frank Hall' }, { by: GRACE });
    await expect.poll(() => storedPeople(server, otherBoard)).toEqual(['Edith Clarke', 'Frank Hall']);
    expect(otherEvents.storage).toEqual([]);
    expect(await storedPeople(server, refusedBoard)).toEqual([]);

    await stop();
    await expect.poll(() => refusedEvents.storage, { timeout: 20_000 }).toEqual(['delayed', 'stored']);
    expect(late.storage).toEqual(['stored']);
    expect(await storedPeople(server, refusedBoard)).toEqual(['Albert Jones']);
    expect((await health(server.url)).body).toMatchObject({ ok: true, storage: 'ok', refusedBoards: 0 });
  }, 60_000);
});
