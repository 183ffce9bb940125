import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CloseCode } from '#shared/sync/closeCodes';
import { startBalancer } from '../src/cluster/balancer.ts';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import { DEMO, signedIn } from './support/auth.ts';
import { actionTitles, anAction, by, GRACE, memberCookie, newBoard, testDb } from './support/boards.ts';
import { connectClient, docContent, type TestClient } from './support/clients.ts';
import { openAppSocket, join } from './support/appSocket.ts';
import type { HuddleServer } from '../src/server.ts';
import { spawnServer, startTestServer } from './support/server.ts';
import { startTcpProxy } from './support/tcpProxy.ts';
import { watchRedisCommands } from './support/redisMonitor.ts';
import type { TestDatabase } from './support/testDatabase.ts';

const REDIS = { host: '127.0.0.1', port: 6379 };

/** A Redis of this test's own: the machine's, behind a proxy that can cut it off, with channels no other test uses. */
async function testRedis() {
  const proxy = await startTcpProxy(REDIS);
  return { proxy, url: `redis://127.0.0.1:${proxy.port}`, prefix: `huddle-test-${randomUUID()}` };
}

/** `count` server processes' worth of Huddle in this process, on one database and one Redis. */
async function startProcesses(db: TestDatabase, redis: { url: string; prefix: string }, count: number) {
  return Promise.all(Array.from({ length: count }, () => startTestServer({ db, redis })));
}

/** Two processes on one database (a fresh one unless given) and a Redis of their own. */
async function twoProcesses(given?: TestDatabase) {
  const db = given ?? (await testDb());
  const redis = await testRedis();
  const [a, b] = (await startProcesses(db, redis, 2)) as [HuddleServer, HuddleServer];
  return { db, redis, a, b };
}

/** Clients of one board, one on each process in turn through a balancer that spreads them. */
async function spreadBalancer(urls: string[]) {
  const balancer = await startBalancer({ backends: urls, routing: 'spread' });
  onTestFinished(() => balancer.close());
  return balancer;
}

function presenceNames(client: TestClient): string[] {
  return [...client.provider.awareness.getStates().entries()]
    .filter(([id]) => id !== client.doc.clientID)
    .map(([, state]) => (state as { user?: { name?: string } }).user?.name ?? '')
    .sort();
}

// Several processes share one Postgres; embedded PGlite belongs to one process, so these run with DATABASE_URL (as CI does).
describe.runIf(process.env.DATABASE_URL)('several server processes on one Postgres and one Redis', () => {
  it('clients of one board spread over two processes see each other’s edits and presence, and converge', async () => {
    const { db, a, b } = await twoProcesses();
    const balancer = await spreadBalancer([a.url, b.url]);
    const boardId = await newBoard(a.url);
    const cookie = await memberCookie(a.url);
    const graceCookie = await memberCookie(a.url, DEMO.member);
    const clients = [
      connectClient(balancer.url, boardId, { cookie }),
      connectClient(balancer.url, boardId, { cookie: graceCookie }),
      connectClient(balancer.url, boardId, { cookie }),
      connectClient(balancer.url, boardId, { cookie: graceCookie }),
    ];
    await Promise.all(clients.map((c) => c.synced()));
    // Both processes serve the board.
    expect(a.sync.loadedBoards).toContain(boardId);
    expect(b.sync.loadedBoards).toContain(boardId);

    clients[0]!.board.addAction(anAction('Book a falls assessment'), { by: by() });
    clients[2]!.board.addAction(anAction('Order a perching stool'), { by: by() });
    for (const client of clients)
      await expect
        .poll(() => actionTitles(client).sort())
        .toEqual(['Book a falls assessment', 'Order a perching stool']);
    for (const client of clients.slice(1))
      expect(docContent(client.doc)).toEqual(docContent(clients[0]!.doc));

    // Presence crosses processes, in the name the server gives it.
    clients.forEach((client, i) => client.provider.awareness.setLocalStateField('focus', `person-${i}`));
    await expect
      .poll(() => presenceNames(clients[0]!))
      .toEqual(['Grace Okafor', 'Grace Okafor', 'Priya Shah']);
    // A tab closed on one process leaves the others' lists at once (not when presence times out).
    clients[1]!.destroy();
    await expect.poll(() => presenceNames(clients[0]!)).toEqual(['Grace Okafor', 'Priya Shah']);

    // Both processes stored what they hold: a fresh start on either has every action.
    await a.close();
    await b.close();
    const again = await startTestServer({ db });
    const fresh = connectClient(again.url, boardId, { cookie: await memberCookie(again.url) });
    await fresh.synced();
    expect(actionTitles(fresh).sort()).toEqual(['Book a falls assessment', 'Order a perching stool']);
  });

  it('the balancer sends every connection to a board to one process, and to another once it is gone', async () => {
    const db = await testDb();
    const setUp = await startTestServer({ db });
    const boardId = await newBoard(setUp.url);
    await setUp.close();
    const { a, b } = await twoProcesses(db);
    const balancer = await startBalancer({ backends: [a.url, b.url], routing: 'board' });
    onTestFinished(() => balancer.close());
    const cookie = await memberCookie(a.url);
    const clients = Array.from({ length: 4 }, () => connectClient(balancer.url, boardId, { cookie }));
    await Promise.all(clients.map((c) => c.synced()));
    const holders = [a, b].filter((p) => p.sync.loadedBoards.includes(boardId));
    expect(holders).toHaveLength(1);

    // Its process stops: the clients reconnect to the other, and carry on.
    const [holder] = holders;
    const other = holder === a ? b : a;
    await holder!.close();
    clients[0]!.board.addAction(anAction('After the move'), { by: by() });
    for (const client of clients)
      await expect.poll(() => actionTitles(client), { timeout: 10_000 }).toEqual(['After the move']);
    expect(other.sync.loadedBoards).toContain(boardId);
  });

  it('a board one process holds alone is not published on Redis; a second process opening it gets it all', async () => {
    const { redis, a, b } = await twoProcesses();
    const boardId = await newBoard(a.url);
    const cookie = await memberCookie(a.url);
    const graceCookie = await memberCookie(a.url, DEMO.member);
    const first = connectClient(a.url, boardId, { cookie });
    const second = connectClient(a.url, boardId, { cookie: graceCookie });
    await Promise.all([first.synced(), second.synced()]);
    // Every command Redis is sent, watched from beside the processes (a subscriber would count as a holder).
    const published: string[] = [];
    const monitor = await watchRedisCommands(REDIS, ({ name, args }) => {
      if (name === 'publish') published.push(args[0] ?? '');
    });
    onTestFinished(() => monitor.close());
    const channel = `${redis.prefix}:board:${boardId}`;

    first.board.addAction(anAction('Only process A holds this board'), { by: by() });
    first.provider.awareness.setLocalStateField('focus', 'person-1');
    second.provider.awareness.setLocalStateField('focus', 'person-2');
    await expect.poll(() => actionTitles(second)).toEqual(['Only process A holds this board']);
    await expect.poll(() => presenceNames(second)).toEqual(['Priya Shah']);
    await expect.poll(() => presenceNames(first)).toEqual(['Grace Okafor']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(published.filter((name) => name === channel)).toEqual([]);

    // Process B opens the board: it has everything A holds at once, and what is said from then on.
    const onB = connectClient(b.url, boardId, { cookie: graceCookie });
    await onB.synced();
    expect(actionTitles(onB)).toEqual(['Only process A holds this board']);
    first.board.addAction(anAction('Said once B holds it too'), { by: by() });
    await expect
      .poll(() => actionTitles(onB).sort())
      .toEqual(['Only process A holds this board', 'Said once B holds it too']);
    await expect.poll(() => presenceNames(onB)).toEqual(['Grace Okafor', 'Priya Shah']);
    onB.board.addAction(anAction('Said on B'), { by: GRACE });
    await expect.poll(() => actionTitles(first)).toContain('Said on B');
    expect(published.filter((name) => name === channel).length).toBeGreaterThan(0);
  });

  it('the board’s rules hold on whichever process receives an edit', async () => {
    const { a, b } = await twoProcesses();
    const boardId = await newBoard(a.url);
    const onA = connectClient(a.url, boardId, { cookie: await memberCookie(a.url) });
    const onB = connectClient(b.url, boardId, { cookie: await memberCookie(b.url, DEMO.member) });
    await Promise.all([onA.synced(), onB.synced()]);
    const added = onA.board.addAction(anAction('Review medicines'), { by: by() });
    await expect.poll(() => actionTitles(onB)).toEqual(['Review medicines']);
    // Grace, on the other process, may not write an action in Priya's name.
    onB.board.addAction(anAction('Written in someone else’s name'), { by: by() });
    await expect.poll(() => onB.refusals.length).toBeGreaterThan(0);
    await expect.poll(() => actionTitles(onB)).toEqual(['Review medicines']);
    // Nothing of it reached the first process.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(actionTitles(onA)).toEqual(['Review medicines']);
    expect(added.id).toBeTruthy();
  });

  it('a document client id is its first user’s, whichever process bound it', async () => {
    const { redis, a, b } = await twoProcesses();
    const boardId = await newBoard(a.url);
    const watcher = connectClient(b.url, boardId, { cookie: await memberCookie(b.url) });
    const grace = connectClient(b.url, boardId, { cookie: await memberCookie(b.url, DEMO.member) });
    await Promise.all([watcher.synced(), grace.synced()]);

    // With Redis away, Priya opens the board on process A and writes: A binds her client id. Process B
    // has not heard of it when Grace's browser, compromised, writes under that id there.
    redis.proxy.set('cut');
    const priya = connectClient(a.url, boardId, { cookie: await memberCookie(a.url) });
    const besideHer = connectClient(a.url, boardId, { cookie: await memberCookie(a.url) });
    await Promise.all([priya.synced(), besideHer.synced()]);
    priya.board.addAction(anAction('Priya’s own action'), { by: by() });
    // A shares nothing under a new client id before its binding is stored: once another browser on A
    // has her action, A has bound her id (on a loaded machine, before that Grace's write could win).
    await expect.poll(() => actionTitles(besideHer)).toEqual(['Priya’s own action']);
    const own = grace.doc.clientID;
    grace.doc.clientID = priya.doc.clientID;
    grace.board.addAction(anAction('Written under Priya’s id'), { by: GRACE });
    grace.doc.clientID = own;
    await new Promise((resolve) => setTimeout(resolve, 500));
    redis.proxy.set('pass');

    // Nobody gets it, and Priya's edits under her id reach everyone.
    priya.board.addAction(anAction('Priya again'), { by: by() });
    const hers = ['Priya again', 'Priya’s own action'];
    await expect.poll(() => actionTitles(watcher).sort(), { timeout: 5_000 }).toEqual(hers);
    const fresh = connectClient(a.url, boardId, { cookie: await memberCookie(a.url) });
    await fresh.synced();
    expect(actionTitles(fresh).sort()).toEqual(hers);
  });

  it('access changes and sign-outs reach sockets on every process', async () => {
    const { a, b } = await twoProcesses();
    const admin = await signedIn(a.url, DEMO.admin);
    const priya = await signedIn(a.url, DEMO.otherMember);
    const grace = await signedIn(a.url, DEMO.member);
    // Priya's and Grace's connections are on process B; the admin's change is made on process A.
    const priyaDoc = connectClient(b.url, DEMO_BOARD_ID, { cookie: priya.cookie });
    const graceDoc = connectClient(b.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    const graceSocket = openAppSocket(b.url, { cookie: grace.cookie });
    const ended: string[] = [];
    graceSocket.on('session:ended', (reason) => ended.push(reason));
    await Promise.all([priyaDoc.synced(), graceDoc.synced()]);
    expect(await join(graceSocket, DEMO_BOARD_ID)).toMatchObject({ ok: true });

    expect((await admin.delete('/api/teams/riverside-frailty-team/members/demo-priya-shah')).status).toBe(
      200,
    );
    await expect.poll(() => priyaDoc.closeCodes).toContain(CloseCode.AccessRevoked);

    // Grace signs out on process A: her board connection and app socket on B end.
    expect((await grace.post('/api/auth/sign-out', {})).status).toBe(204);
    await expect.poll(() => graceDoc.closeCodes).toContain(CloseCode.SessionEnded);
    await expect.poll(() => ended).toEqual(['signed-out']);
  });

  it('board events reach a browser on another process (socket.io over Redis)', async () => {
    const { a, b } = await twoProcesses();
    const priya = await signedIn(a.url, DEMO.otherMember);
    const socket = openAppSocket(b.url, { cookie: priya.cookie });
    const created: string[] = [];
    socket.on('board:created', (board) => created.push(board.id));
    await expect.poll(() => socket.connected).toBe(true);
    const boardId = await newBoard(a.url, 'Made on the other process', undefined, { person: false });
    await expect.poll(() => created).toContain(boardId);
  });

  it('catches up once Redis returns, whatever was said while it was away', async () => {
    const { redis, a, b } = await twoProcesses();
    const boardId = await newBoard(a.url);
    const onA = connectClient(a.url, boardId, { cookie: await memberCookie(a.url) });
    const onB = connectClient(b.url, boardId, { cookie: await memberCookie(b.url) });
    await Promise.all([onA.synced(), onB.synced()]);
    onA.board.addAction(anAction('Before Redis went away'), { by: by() });
    await expect.poll(() => actionTitles(onB)).toEqual(['Before Redis went away']);

    redis.proxy.set('cut');
    onA.board.addAction(anAction('Said on A while Redis was away'), { by: by() });
    onB.board.addAction(anAction('Said on B while Redis was away'), { by: by() });
    // Neither process hears the other meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(actionTitles(onB)).not.toContain('Said on A while Redis was away');

    redis.proxy.set('pass');
    const all = [
      'Before Redis went away',
      'Said on A while Redis was away',
      'Said on B while Redis was away',
    ];
    // Within seconds: not at the next periodic question (half a minute) or presence renewal (15 s).
    await expect.poll(() => actionTitles(onA).sort(), { timeout: 5_000 }).toEqual(all);
    await expect.poll(() => actionTitles(onB).sort(), { timeout: 5_000 }).toEqual(all);
    expect(docContent(onA.doc)).toEqual(docContent(onB.doc));
  });

  it('three processes: one SIGKILLed mid-edit loses nothing, and its clients carry on with the others', async () => {
    const db = await testDb();
    const redis = await testRedis();
    const env = {
      DATABASE_URL: db.databaseUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      SEED: 'false',
      // Long enough that the kill lands before the process has stored what it was sent.
      STORAGE_FLUSH_INTERVAL_MS: '2000',
    };
    const processes = await Promise.all([spawnServer(env), spawnServer(env), spawnServer(env)]);
    const balancer = await spreadBalancer(processes.map((p) => p.url));
    const boardId = await newBoard(processes[0]!.url);
    const cookie = await memberCookie(processes[0]!.url);
    const clients = Array.from({ length: 6 }, () => connectClient(balancer.url, boardId, { cookie }));
    await Promise.all(clients.map((c) => c.synced()));

    // Edits from every client; the first process dies before its storage has written them.
    const titles = clients.map((c, i) => {
      const title = `Edit ${i + 1} made just before the crash`;
      c.board.addAction(anAction(title), { by: by() });
      return title;
    });
    for (const client of clients)
      await expect.poll(() => actionTitles(client).length, { timeout: 10_000 }).toBe(titles.length);
    await processes[0]!.stop('SIGKILL');

    // Its clients reconnect through the balancer to the others, and go on editing.
    clients[0]!.board.addAction(anAction('After the crash'), { by: by() });
    const expected = [...titles, 'After the crash'].sort();
    for (const client of clients)
      await expect.poll(() => actionTitles(client).sort(), { timeout: 15_000 }).toEqual(expected);

    // Everything is stored: the survivors stop, and a fresh process serves every edit.
    await Promise.all(processes.slice(1).map((p) => p.stop('SIGTERM')));
    for (const client of clients) client.destroy();
    const fresh = await spawnServer(env);
    const check = connectClient(fresh.url, boardId, { cookie: await memberCookie(fresh.url) });
    await check.synced();
    expect(actionTitles(check).sort()).toEqual(expected);
  });
});
