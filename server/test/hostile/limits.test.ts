import type { Socket } from 'node:net';
import * as Y from 'yjs';
import type WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '#shared/sync/closeCodes';
import { MessageType } from '#shared/sync/protocol';
import { DEFAULT_ROOM_LIMITS } from '../../src/sync/roomContract.ts';
import { DEMO, signIn } from '../support/auth.ts';
import { actionTitles, anAction, by, memberCookie, newBoard, testDb } from '../support/boards.ts';
import { connectClient, docContent } from '../support/clients.ts';
import { priyaAdds, storedContent, watched } from '../support/hostile.ts';
import { awarenessFrame, openRawSocket, upgradeStatus } from '../support/rawSocket.ts';
import { handshake, openAppSocket } from '../support/appSocket.ts';
import { startTestServer } from '../support/server.ts';

/** A y-websocket awareness frame holding `count` presence entries. */
const presenceFrame = (count: number, state: object = {}): Uint8Array =>
  awarenessFrame(Array.from({ length: count }, (_, i) => ({ clientId: 1_000_000 + i, clock: 1, state })));

/** A sync update frame: the whole of `doc`. */
function updateFrame(doc: Y.Doc): Uint8Array {
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, MessageType.Sync);
  encoding.writeVarUint(frame, 2);
  encoding.writeVarUint8Array(frame, Y.encodeStateAsUpdate(doc));
  return encoding.toUint8Array(frame);
}

/** An awareness frame setting one presence entry, `clientId`'s, at `clock`. */
const ownPresence = (clientId: number, clock: number, state: object): Uint8Array =>
  awarenessFrame([{ clientId, clock, state }]);

/** A sync step 1 frame: a state vector claiming `clock` changes by a client the board has never seen. */
function stateRequest(clientId: number, clock = 1): Uint8Array {
  const vector = encoding.createEncoder();
  encoding.writeVarUint(vector, 1);
  encoding.writeVarUint(vector, clientId);
  encoding.writeVarUint(vector, clock);
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, MessageType.Sync);
  encoding.writeVarUint(frame, 0);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(vector));
  return encoding.toUint8Array(frame);
}

/** The sync step 2 frames (answers to a state vector) a raw socket receives, counted as they come. */
function countAnswers(ws: WebSocket): { count: number } {
  const answers = { count: 0 };
  ws.on('message', (data: Buffer) => {
    if (data[0] === MessageType.Sync && data[1] === 1) answers.count += 1;
  });
  return answers;
}

/** The TCP socket under a ws client: pausing it stops the client reading, as a stalled browser would. */
const underlyingSocket = (ws: WebSocket): Socket => (ws as unknown as { _socket: Socket })._socket;

const presenceCount = (client: { provider: { awareness: { getStates(): Map<number, unknown> } } }) =>
  client.provider.awareness.getStates().size;

describe('limits on presence, connections and a board’s size', () => {
  it('closes a connection that sends 50,000 presence entries, or one far too large, whoever sends it', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url);
    const watcher = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await watcher.synced();
    for (const email of [DEMO.member, DEMO.viewer]) {
      const hostile = await openRawSocket(server.url, boardId, { cookie: await signIn(server.url, email) });
      hostile.ws.send(presenceFrame(50_000));
      expect((await hostile.closed).code).toBe(CloseCode.PresenceLimit);
      const large = await openRawSocket(server.url, boardId, { cookie: await signIn(server.url, email) });
      large.ws.send(presenceFrame(1, { note: 'x'.repeat(100_000) }));
      expect((await large.closed).code).toBe(CloseCode.PresenceLimit);
    }
    // The watcher saw none of it, and the board carries on.
    expect(presenceCount(watcher)).toBeLessThanOrEqual(2);
    const writer = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await writer.synced();
    writer.board.addAction(anAction('After the presence flood'), { by: by() });
    await expect.poll(() => actionTitles(watcher)).toContain('After the presence flood');
  });

  it('refuses a user’s connections past the limit, and an address’s, with 429, leaving everyone else alone', async () => {
    const server = await startTestServer({
      db: await testDb(),
      sync: { maxConnectionsPerUser: 5, maxConnectionsPerAddress: 12 },
    });
    const boardId = await newBoard(server.url);
    const grace = await signIn(server.url, DEMO.member);
    const sockets = [];
    for (let i = 0; i < 5; i++) sockets.push(await openRawSocket(server.url, boardId, { cookie: grace }));
    expect(await upgradeStatus(server.url, `/yjs/${boardId}`, { cookie: grace })).toBe(429);
    // Someone else still connects; one of Grace's closing lets her open another.
    const priya = await openRawSocket(server.url, boardId, { cookie: await memberCookie(server.url) });
    sockets[0]!.ws.close();
    await sockets[0]!.closed;
    await expect.poll(() => upgradeStatus(server.url, `/yjs/${boardId}`, { cookie: grace })).toBe(101);
    // One board opening in the trail for her, not one per socket.
    const opens = await server.database.db
      .selectFrom('audit_events')
      .select('id')
      .where('event', '=', 'open')
      .where('user_id', '=', 'demo-grace-okafor')
      .where('board_id', '=', boardId)
      .execute();
    expect(opens).toHaveLength(1);
    // Past the address's limit everyone from it waits, however many accounts they use.
    await expect.poll(() => server.sync.connectionCount).toBe(5);
    const opened = [priya, ...sockets.slice(1)];
    for (const email of [DEMO.facilitator, DEMO.viewer, DEMO.manager, DEMO.facilitator, DEMO.facilitator])
      opened.push(await openRawSocket(server.url, boardId, { cookie: await signIn(server.url, email) }));
    while (opened.length < 12)
      opened.push(
        await openRawSocket(server.url, boardId, { cookie: await signIn(server.url, DEMO.manager) }),
      );
    expect(server.sync.connectionCount).toBe(12);
    expect(
      await upgradeStatus(server.url, `/yjs/${boardId}`, { cookie: await signIn(server.url, DEMO.admin) }),
    ).toBe(429);
    priya.ws.close();
  });

  it('refuses a user’s socket.io connections past the limit, with a reason', async () => {
    const server = await startTestServer({ db: await testDb(), sync: { maxConnectionsPerUser: 3 } });
    const cookie = await signIn(server.url, DEMO.member);
    const sockets = Array.from({ length: 3 }, () => openAppSocket(server.url, { cookie }));
    expect(await Promise.all(sockets.map(handshake))).toEqual(['connected', 'connected', 'connected']);
    const refused = openAppSocket(server.url, { cookie });
    const data = new Promise((resolve) =>
      refused.once('connect_error', (err) => resolve((err as { data?: unknown }).data)),
    );
    expect(await data).toEqual({
      status: 429,
      message: expect.stringMatching(/You have 3 Huddle tabs open/),
    });
    expect(await handshake(openAppSocket(server.url, { cookie: await memberCookie(server.url) }))).toBe(
      'connected',
    );
    sockets[0]!.close();
    await expect.poll(async () => handshake(openAppSocket(server.url, { cookie }))).toBe('connected');
  });

  it('closes a connection whose one change holds 200,000 entries, and keeps none of it', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url);
    const before = await storedContent(server, boardId);
    const hostile = await openRawSocket(server.url, boardId, {
      cookie: await signIn(server.url, DEMO.member),
    });
    const doc = new Y.Doc();
    doc.transact(() => {
      const stages = doc.getMap('pathwayStages');
      for (let i = 0; i < 200_000; i++) stages.set(`s${i}`, i);
    });
    hostile.ws.send(updateFrame(doc));
    expect((await hostile.closed).code).toBe(CloseCode.UpdateTooLarge);
    expect(await storedContent(server, boardId)).toEqual(before);
    const reader = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await reader.synced();
    expect(Y.encodeStateAsUpdate(reader.doc).byteLength).toBeLessThan(20_000);
  });

  it('refuses changes that would take a board past its size, and says so', async () => {
    const server = await startTestServer({
      db: await testDb(),
      sync: { limits: { ...DEFAULT_ROOM_LIMITS, maxBoardBytes: 64 * 1024 } },
    });
    const boardId = await newBoard(server.url);
    const priya = watched(connectClient(server.url, boardId, { cookie: await memberCookie(server.url) }));
    const watcher = watched(
      connectClient(server.url, boardId, { cookie: await signIn(server.url, DEMO.member) }),
    );
    await Promise.all([priya.synced(), watcher.synced()]);
    let added = 0;
    while (priya.refusals.length === 0 && added < 400) {
      priyaAdds(
        priya,
        `Action ${added++} ${'with a long enough title to fill the board quickly '.repeat(5)}`,
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    await expect
      .poll(() => priya.refusals.map((r) => r.message))
      .toContainEqual(expect.stringMatching(/This board is full/));
    await expect
      .poll(() => JSON.stringify(docContent(priya.doc)))
      .toBe(JSON.stringify(docContent(watcher.doc)));
    expect(Y.encodeStateAsUpdate(watcher.doc).byteLength).toBeLessThan(80 * 1024);
  });

  it('closes a connection whose changes are refused again and again', async () => {
    const server = await startTestServer({
      db: await testDb(),
      sync: { limits: { ...DEFAULT_ROOM_LIMITS, maxRefusalsPerMinute: 3 } },
    });
    const boardId = await newBoard(server.url);
    const hostile = connectClient(server.url, boardId, { cookie: await signIn(server.url, DEMO.member) });
    await hostile.synced();
    for (let i = 0; i < 6; i++) hostile.doc.getMap('stray').set(`k${i}`, i);
    await expect.poll(() => hostile.closeCodes).toContain(CloseCode.TooManyRefusals);
  });

  it('closes a connection that asks for the board again and again, leaving everyone else alone', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url);
    const watcher = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await watcher.synced();
    const max = DEFAULT_ROOM_LIMITS.maxQuestionsPerMinute;
    // A viewer may ask as well as a member; each state vector names a client the server never saw,
    // so no answer can be reused.
    const hostile = await openRawSocket(server.url, boardId, {
      cookie: await signIn(server.url, DEMO.viewer),
    });
    const answers = countAnswers(hostile.ws);
    for (let i = 0; i <= max; i++) hostile.ws.send(stateRequest(2_000_000 + i));
    expect(await hostile.closed).toEqual({
      code: CloseCode.TooManyQuestions,
      reason: `more than ${max} questions asked in a minute`,
    });
    // Every question within the limit was answered; the one past it was not.
    expect(answers.count).toBe(max);
    const writer = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await writer.synced();
    priyaAdds(writer, 'After the questions');
    await expect.poll(() => actionTitles(watcher)).toContain('After the questions');
  });

  it('drops a connection that stops reading once too much waits for it; the board carries on', async () => {
    const server = await startTestServer({
      db: await testDb(),
      sync: {
        maxUnsentBytes: 1024 * 1024,
        limits: { ...DEFAULT_ROOM_LIMITS, maxQuestionsPerMinute: 10_000 },
      },
    });
    const boardId = await newBoard(server.url);
    const writer = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await writer.synced();
    for (let i = 0; i < 100; i++) priyaAdds(writer, `Action ${i} ${'x'.repeat(250)}`);
    const stalled = await openRawSocket(server.url, boardId, {
      cookie: await signIn(server.url, DEMO.viewer),
    });
    // It stops reading, and asks for the whole board, again and again.
    underlyingSocket(stalled.ws).pause();
    for (let i = 0; i < 2_000; i++) stalled.ws.send(stateRequest(3_000_000 + i));
    // Everyone else carries on while it stalls.
    const watcher = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await watcher.synced();
    priyaAdds(writer, 'While one reads nothing');
    await expect.poll(() => actionTitles(watcher)).toContain('While one reads nothing');
    // Reading again, it finds the server dropped it (ended, without a close frame).
    underlyingSocket(stalled.ws).resume();
    expect((await stalled.closed).code).toBe(1006);
  });

  it('passes on a person’s changes no faster than their allowance, from all their tabs together, nothing lost', async () => {
    const perSecond = 50;
    const server = await startTestServer({ db: await testDb(), sync: { framesPerSecond: perSecond } });
    const boardId = await newBoard(server.url);
    const watcher = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await watcher.synced();
    const ids = [4_000_001, 4_000_002];
    let seen = 0;
    watcher.provider.awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }) => {
      seen += [...added, ...updated].filter((id) => ids.includes(id)).length;
    });
    const lastState = (id: number) =>
      (watcher.provider.awareness.getStates().get(id) as { n?: number } | undefined)?.n;
    // One person, two tabs, 75 presence changes each sent at once: each would go to everyone on the board.
    const cookie = await signIn(server.url, DEMO.member);
    const tabs = [
      await openRawSocket(server.url, boardId, { cookie }),
      await openRawSocket(server.url, boardId, { cookie }),
    ];
    const sentAt = performance.now();
    for (let n = 1; n <= 75; n++) tabs.forEach((tab, i) => tab.ws.send(ownPresence(ids[i]!, n, { n })));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // A second's worth at once, then 50 a second: by half a second, at most 75 (and one for rounding).
    expect(seen).toBeLessThanOrEqual(perSecond + perSecond / 2 + 1);
    // All of them are taken in, in order, the last no sooner than the allowance lets it.
    for (const id of ids) await expect.poll(() => lastState(id), { timeout: 15_000 }).toBe(75);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(((150 - perSecond - 1) / perSecond) * 1000);
    expect(seen).toBe(150);

    // Someone sending thousands at once is slowed, not closed, and everyone else carries on at once
    // (their browsers send back each of the flood's changes they are passed, which costs them nothing).
    const flood = await openRawSocket(server.url, boardId, {
      cookie: await signIn(server.url, DEMO.facilitator),
    });
    const floodId = 4_000_003;
    const floodSeen = () => watcher.provider.awareness.getStates().has(floodId);
    for (let n = 1; n <= 50_000; n++) flood.ws.send(ownPresence(floodId, n, { n }));
    const writer = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    await writer.synced();
    priyaAdds(writer, 'During the flood');
    await expect.poll(() => actionTitles(watcher)).toContain('During the flood');
    // Its own changes are passed on too, slowly (its first waits for its client id to be stored).
    await expect.poll(floodSeen, { timeout: 10_000 }).toBe(true);
    expect(lastState(floodId)).toBeLessThan(50_000);
    // What it sent waits on the network, not in the server: it is still open a second later.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(flood.ws.readyState).toBe(flood.ws.OPEN);
  });
});
