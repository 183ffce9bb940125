import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BoardDocument } from '#shared/board/boardDoc';
import { CloseCode } from '#shared/sync/closeCodes';
import { MessageType } from '#shared/sync/protocol';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import { connectClient, docContent } from './support/clients.ts';
import { openRawSocket, upgradeStatus } from './support/rawSocket.ts';
import { startTestServer } from './support/server.ts';
import { DEMO, signedIn } from './support/auth.ts';
import { actionTitles, anAction, by, memberCookie, newBoard, testDb } from './support/boards.ts';

describe('Yjs sync server', () => {
  it('serves the seeded demo board to an unmodified y-websocket client', async () => {
    const server = await startTestServer({ db: await testDb() });
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: await memberCookie(server.url) });
    await client.synced();
    expect(client.board.readActions().length).toBeGreaterThanOrEqual(5);
    expect(client.board.readActions().every((r) => r.ok)).toBe(true);
    expect(client.board.readPeople().length).toBeGreaterThanOrEqual(3);
  });

  it('two clients see each other’s edits and converge', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url);
    const nurse = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    const gp = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await Promise.all([nurse.synced(), gp.synced()]);

    const added = nurse.board.addAction(anAction('Book a falls assessment'), { by: by('Nurse') });
    await expect.poll(() => actionTitles(gp)).toEqual(['Book a falls assessment']);
    gp.board.completeAction(added.id, { by: by() });
    await expect
      .poll(() => nurse.board.readActions()[0])
      .toMatchObject({ ok: true, value: { status: 'done' } });
    expect(docContent(nurse.doc)).toEqual(docContent(gp.doc));
  });

  it('refuses the upgrade for a board that does not exist, and for paths that are not boards', async () => {
    const server = await startTestServer({ db: await testDb() });
    const signedIn = { cookie: await memberCookie(server.url) };
    expect(await upgradeStatus(server.url, '/yjs/no-such-board', signedIn)).toBe(404);
    expect(await upgradeStatus(server.url, '/yjs/..%2Fetc', signedIn)).toBe(400);
    expect(await upgradeStatus(server.url, '/somewhere-else', signedIn)).toBe(404);
    expect(await upgradeStatus(server.url, `/yjs/${DEMO_BOARD_ID}`, signedIn)).toBe(101);
  });

  it('serves the same state after the server restarts', async () => {
    const db = await testDb();
    const first = await startTestServer({ db });
    const boardId = await newBoard(first.url);
    const writer = connectClient(first.url, boardId, { cookie: await memberCookie(first.url) });
    const watcher = connectClient(first.url, boardId, { cookie: await memberCookie(first.url) });
    await Promise.all([writer.synced(), watcher.synced()]);
    writer.board.addAction(anAction('Refer to dietitian'), { by: by('Nurse') });
    writer.board.addAction(anAction('Order a perching stool'), { by: by('OT') });
    const expected = docContent(writer.doc);
    // Once another client has both edits, the server has applied them.
    await expect.poll(() => docContent(watcher.doc)).toEqual(expected);
    writer.destroy();
    watcher.destroy();
    await first.close();

    const second = await startTestServer({ db });
    const reader = connectClient(second.url, boardId, { cookie: await memberCookie(second.url) });
    await reader.synced();
    expect(docContent(reader.doc)).toEqual(expected);
  });

  it('writes pending updates when shut down gracefully', async () => {
    const db = await testDb();
    // A long group-commit window: the update is surely still pending when the server closes.
    const first = await startTestServer({ db, storage: { flushIntervalMs: 60_000 } });
    const boardId = await newBoard(first.url);
    const writer = connectClient(first.url, boardId, { cookie: await memberCookie(first.url) });
    const watcher = connectClient(first.url, boardId, { cookie: await memberCookie(first.url) });
    await Promise.all([writer.synced(), watcher.synced()]);
    writer.board.addAction(anAction('Written on shutdown'), { by: by('Nurse') });
    await expect.poll(() => actionTitles(watcher)).toEqual(['Written on shutdown']);
    // The client goes away first, so only the server can have kept the edit.
    writer.destroy();
    watcher.destroy();
    await first.close();

    const second = await startTestServer({ db });
    const reader = connectClient(second.url, boardId, { cookie: await memberCookie(second.url) });
    await reader.synced();
    expect(actionTitles(reader)).toEqual(['Written on shutdown']);
  });

  it('unloads an idle board after persisting it, and loads it again on demand', async () => {
    const server = await startTestServer({ db: await testDb(), sync: { idleUnloadMs: 100 } });
    const boardId = await newBoard(server.url);
    const writer = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await writer.synced();
    writer.board.addAction(anAction('Survives unloading'), { by: by('Nurse') });
    await expect.poll(() => server.sync.loadedBoards).toContain(boardId);
    writer.destroy();
    await expect.poll(() => server.sync.loadedBoards).not.toContain(boardId);
    const rows = await server.database.db
      .selectFrom('board_updates')
      .select('id')
      .where('board_id', '=', boardId)
      .execute();
    expect(rows).toHaveLength(0);

    const reader = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await reader.synced();
    expect(actionTitles(reader)).toEqual(['Survives unloading']);
  });

  it('closes a connection that sends a malformed frame, and only that one', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url);
    const good = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    const other = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await Promise.all([good.synced(), other.synced()]);

    const garbage = await openRawSocket(server.url, boardId, { cookie: await memberCookie(server.url) });
    garbage.ws.send(Uint8Array.from([0, 2, 200, 1, 2, 3]));
    expect((await garbage.closed).code).toBe(CloseCode.MalformedMessage);

    const unknownType = await openRawSocket(server.url, boardId, { cookie: await memberCookie(server.url) });
    unknownType.ws.send(Uint8Array.from([42]));
    expect((await unknownType.closed).code).toBe(CloseCode.MalformedMessage);

    const badUpdate = await openRawSocket(server.url, boardId, { cookie: await memberCookie(server.url) });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    encoding.writeVarUint(encoder, 2);
    encoding.writeVarUint8Array(encoder, Uint8Array.from([255, 255, 255, 255, 1, 2, 3, 4]));
    badUpdate.ws.send(encoding.toUint8Array(encoder));
    expect((await badUpdate.closed).code).toBe(CloseCode.MalformedMessage);

    const text = await openRawSocket(server.url, boardId, { cookie: await memberCookie(server.url) });
    text.ws.send('hello');
    expect((await text.closed).code).toBe(CloseCode.MalformedMessage);

    good.board.addAction(anAction('Still syncing'), { by: by('Nurse') });
    await expect.poll(() => actionTitles(other)).toEqual(['Still syncing']);
    expect(good.provider.wsconnected && other.provider.wsconnected).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('closes a connection that sends an oversized frame, and only that one', async () => {
    const server = await startTestServer({ db: await testDb(), sync: { maxMessageBytes: 64 * 1024 } });
    const boardId = await newBoard(server.url);
    const good = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    const other = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await Promise.all([good.synced(), other.synced()]);

    const big = await openRawSocket(server.url, boardId, { cookie: await memberCookie(server.url) });
    big.ws.send(new Uint8Array(100 * 1024));
    expect((await big.closed).code).toBe(CloseCode.MessageTooBig);

    good.board.addAction(anAction('Unaffected'), { by: by('Nurse') });
    await expect.poll(() => actionTitles(other)).toEqual(['Unaffected']);
  });

  it('drops a socket that stops answering keep-alive pings, and others see it leave', async () => {
    const server = await startTestServer({ db: await testDb(), sync: { pingIntervalMs: 100 } });
    const boardId = await newBoard(server.url);
    const watcher = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    const silent = connectClient(server.url, boardId, {
      cookie: await memberCookie(server.url, DEMO.member),
    });
    silent.provider.awareness.setLocalStateField('editing', null);
    await Promise.all([watcher.synced(), silent.synced()]);
    const names = () =>
      [...watcher.provider.awareness.getStates().values()].map(
        (s) => (s.user as { name?: string } | undefined)?.name,
      );
    await expect.poll(names).toContain('Grace Okafor');

    // Stop reading the socket: no pongs go back, as with a laptop whose lid was shut.
    const ws = silent.provider.ws as unknown as { _socket: { pause(): void } };
    ws._socket.pause();
    await expect.poll(names, { timeout: 5_000 }).not.toContain('Grace Okafor');
    expect(server.sync.connectionCount).toBe(1);
  });

  it.runIf(process.env.DATABASE_URL)(
    'keeps serving and storing edits after Postgres ends all its connections',
    async () => {
      const db = await testDb();
      const server = await startTestServer({ db });
      const boardId = await newBoard(server.url);
      const writer = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
      await writer.synced();

      // As a Postgres restart or failover would: every connection the server holds is ended.
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [new URL(db.databaseUrl!).pathname.slice(1)],
        );
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }

      writer.board.addAction(anAction('Agreed after the database restarted'), { by: by('Nurse') });
      await expect
        .poll(async () => {
          await server.sync.flush();
          const stored = new Y.Doc();
          Y.applyUpdate(stored, (await server.storage.load(boardId)) ?? new Uint8Array([0, 0]));
          return new BoardDocument(stored).readActions().map((r) => r.ok && r.value.title);
        })
        .toEqual(['Agreed after the database restarted']);
      const member = await signedIn(server.url, DEMO.member);
      expect((await member.get(`/api/boards/${boardId}`)).status).toBe(200);
    },
  );
});
