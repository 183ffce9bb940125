import * as Y from 'yjs';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { HealthResponse } from '#shared/api';
import type { Actor } from '#shared/board/record';
import { openDatabase } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import { DATABASE_UNAVAILABLE } from '../../src/http/app.ts';
import { DEMO_BOARD_ID } from '../../src/seed.ts';
import { startServer, type HuddleServer } from '../../src/server.ts';
import { PostgresBoardStorage } from '../../src/storage/postgresBoardStorage.ts';
import { SOCKET_UNAVAILABLE } from '#shared/events';
import { handshake, joinBoardEvents, openAppSocket } from '../support/appSocket.ts';
import { DEMO, signIn } from '../support/auth.ts';
import { newBoard } from '../support/boards.ts';
import { connectClient, docContent, type TestClient } from '../support/clients.ts';
import { testConfig, type TestServerOptions } from '../support/server.ts';
import { startDatabaseProxy, type TcpProxy } from '../support/tcpProxy.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const databaseUrl = process.env.DATABASE_URL;
const quiet = createLogger('silent');

/** The outage the issue reproduced: 30 s without the database. */
const LONG_CUT_MS = 30_000;
const SHORT_CUT_MS = 2_000;
const SHORT_CUTS = 4;
/** Board changes not stored after this long make storage degraded (the server's default is 5 s). */
const WARN_AFTER_MS = 1_000;

/** Members of the demo frailty team, each editing as themselves. */
const MEMBERS = [
  {
    email: DEMO.member,
    actor: { id: 'demo-grace-okafor', name: 'Grace Okafor' },
    organisationId: 'riverside-community',
  },
  {
    email: DEMO.otherMember,
    actor: { id: 'demo-priya-shah', name: 'Priya Shah' },
    organisationId: 'riverside-community',
  },
  {
    email: 'lucy.evans@riverside-asc.example',
    actor: { id: 'demo-lucy-evans', name: 'Lucy Evans' },
    organisationId: 'riverside-asc',
  },
] as const;

interface Member {
  client: TestClient;
  cookie: string;
  actor: Actor;
  organisationId: string;
  /** This member's actions (id -> its current title). */
  actions: Map<string, string>;
}

async function health(url: string): Promise<{ status: number; body: HealthResponse }> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as HealthResponse };
}

function titlesOf(client: TestClient): string[] {
  return client.board
    .readActions()
    .flatMap((r) => (r.ok ? [r.value.title] : []))
    .sort();
}

/** What is stored for the board, read straight from Postgres (not through the server or the proxy). */
async function storedContent(db: TestDatabase, boardId: string): Promise<unknown> {
  const handle = await openDatabase({ databaseUrl: db.databaseUrl, dataDir: null, log: quiet });
  try {
    const storage = new PostgresBoardStorage(
      handle.db,
      { flushIntervalMs: 10, compactThreshold: 1_000, warnAfterMs: WARN_AFTER_MS },
      quiet,
    );
    const doc = new Y.Doc();
    const state = await storage.load(boardId);
    if (state) Y.applyUpdate(doc, state);
    return docContent(doc);
  } finally {
    await handle.close();
  }
}

/** The trail's titles of the board's actions, every value each ever had. */
async function titlesInTrail(db: TestDatabase, boardId: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ after: string }>(
      `select after from audit_events where board_id = $1 and record_type = 'actions' and field = 'title'`,
      [boardId],
    );
    return new Set(rows.map((row) => row.after));
  } finally {
    await client.end();
  }
}

/** Starts a server whose way to Postgres goes through `proxy`; the caller closes it. */
function serverBehind(proxy: TcpProxy, db: TestDatabase, options: Partial<TestServerOptions> = {}) {
  const config = testConfig({
    db: { ...db, databaseUrl: proxy.url(db.databaseUrl!) },
    storage: { warnAfterMs: WARN_AFTER_MS },
    // Short enough for the black hole to be noticed quickly, long enough for a loaded machine.
    database: { connectTimeoutMs: 1_000, queryTimeoutMs: 3_000 },
    ...options,
  });
  return startServer(config, createLogger(config.logLevel));
}

if (!databaseUrl) {
  describe('the server through a database outage', () => {
    it.skip('needs Postgres: set DATABASE_URL (embedded PGlite runs in the server process and cannot go away)', () => {});
  });
} else {
  describe('the server through a database outage', () => {
    let db: TestDatabase;
    let proxy: TcpProxy;
    let server: HuddleServer;

    beforeAll(async () => {
      db = await createTestDatabase({ kind: 'postgres' });
      proxy = await startDatabaseProxy(db.databaseUrl!, { shared: true });
      server = await serverBehind(proxy, db);
    });
    afterEach(() => proxy.set('pass'));
    afterAll(async () => {
      await server?.close();
      await proxy?.close();
      await db?.drop();
    });

    /** The members on a new board, synced, with a person to work on. */
    async function membersOnNewBoard(
      name: string,
    ): Promise<{ boardId: string; members: Member[]; personId: string }> {
      const boardId = await newBoard(server.url, name, undefined, { person: false });
      const members: Member[] = [];
      for (const { email, actor, organisationId } of MEMBERS) {
        const cookie = await signIn(server.url, email);
        const client = connectClient(server.url, boardId, { cookie });
        members.push({ client, cookie, actor, organisationId, actions: new Map() });
      }
      await Promise.all(members.map((m) => m.client.synced()));
      const person = members[0]!.client.board.addPerson(
        { name: 'Margaret Ellis' },
        { by: members[0]!.actor },
      );
      await expect.poll(() => members.every((m) => m.client.board.readPeople().length === 1)).toBe(true);
      return { boardId, members, personId: person.id };
    }

    /**
     * Every member makes valid edits as themselves: adds an action they own, renames or re-dates
     * their previous one, and types into the person's SBAR situation. Waits until every member sees
     * every member's edits (live sync).
     */
    async function editRound(members: Member[], personId: string, label: string): Promise<void> {
      for (const member of members) {
        const { board } = member.client;
        const previous = [...member.actions.keys()].at(-1);
        if (previous && member.actions.size % 2 === 0) {
          const title = `${member.actions.get(previous)} (renamed)`;
          board.updateAction(previous, { title }, { by: member.actor });
          member.actions.set(previous, title);
        } else if (previous) {
          board.updateAction(previous, { dueDate: '2027-01-15' }, { by: member.actor });
        }
        const title = `${label}: ${member.actor.name}`;
        const action = board.addAction(
          {
            title,
            ownerId: member.actor.id!,
            ownerName: member.actor.name,
            ownerOrganisationId: member.organisationId,
            dueDate: '2026-12-20',
            personId,
          },
          { by: member.actor },
        );
        member.actions.set(action.id, title);
        board.sharedText('people', personId, 'sbarSituation')!.insert(0, `${member.actor.name} ${label}. `);
      }
      const expected = members.flatMap((m) => [...m.actions.values()]).sort();
      await expect
        .poll(() => members.map((m) => titlesOf(m.client)), { timeout: 10_000 })
        .toEqual(members.map(() => expected));
    }

    /** Waits until the server has caught up, then checks every edit is in Postgres and its trail. */
    async function expectEverythingStored(boardId: string, members: Member[]): Promise<void> {
      await expect
        .poll(async () => (await health(server.url)).body, { timeout: 20_000 })
        .toMatchObject({ ok: true, database: 'ok', storage: 'ok', pendingUpdates: 0 });
      const live = docContent(members[0]!.client.doc);
      for (const member of members) expect(docContent(member.client.doc)).toEqual(live);
      expect(await storedContent(db, boardId)).toEqual(live);
      const trail = await titlesInTrail(db, boardId);
      for (const member of members)
        for (const title of member.actions.values()) expect(trail).toContain(title);
    }

    it('stays up through a 30 s outage and repeated 2 s cuts: live sync goes on, health and browsers are told, and every edit is stored afterwards', async () => {
      const { boardId, members, personId } = await membersOnNewBoard('Outage board');
      const watcher = await joinBoardEvents(server.url, members[0]!.cookie, boardId);
      expect(watcher.joined).toEqual({ ok: true, access: 'edit', storage: 'stored' });
      await editRound(members, personId, 'Before the outage');
      expect((await health(server.url)).status).toBe(200);

      proxy.set('cut');
      const cutAt = Date.now();
      // Access cannot be checked now: that is not a refusal (the browser keeps the board and asks again).
      expect(await watcher.socket.timeout(15_000).emitWithAck('board:join', boardId)).toMatchObject({
        ok: false,
        status: 503,
      });
      // Nor can a new socket's session: the browser is told to connect again later, not refused, and
      // nothing of the database's failure reaches it.
      const during = openAppSocket(server.url, { cookie: members[0]!.cookie });
      expect(await handshake(during)).toBe(SOCKET_UNAVAILABLE);
      let round = 0;
      let lastAge = 0;
      while (Date.now() - cutAt < LONG_CUT_MS) {
        await editRound(members, personId, `Outage ${++round}`);
        // Paced by the backlog itself: each round waits until storage has been behind a second longer.
        await expect
          .poll(async () => (await health(server.url)).body.oldestPendingMs, { timeout: 10_000 })
          .toBeGreaterThan(lastAge + 1_000);
        // The database's state is probed at most once a second: poll past a cached answer.
        await expect
          .poll(async () => (await health(server.url)).body, { timeout: 5_000 })
          .toMatchObject({ ok: false, database: 'unreachable', storage: 'degraded' });
        const during = await health(server.url);
        expect(during.status).toBe(503);
        expect(during.body.pendingUpdates).toBeGreaterThan(0);
        expect(during.body.reason).toMatch(/database cannot be reached/);
        lastAge = during.body.oldestPendingMs;
      }
      expect(watcher.storage).toEqual(['delayed']);
      proxy.set('pass');
      await expectEverythingStored(boardId, members);
      expect(await handshake(openAppSocket(server.url, { cookie: members[0]!.cookie }))).toBe('connected');
      await expect.poll(() => watcher.storage).toEqual(['delayed', 'stored']);

      for (let cut = 1; cut <= SHORT_CUTS; cut++) {
        proxy.set('cut');
        await editRound(members, personId, `Short cut ${cut}`);
        await expect
          .poll(async () => (await health(server.url)).body.oldestPendingMs, { timeout: 10_000 })
          .toBeGreaterThan(WARN_AFTER_MS);
        await editRound(members, personId, `Short cut ${cut}, later`);
        await expect
          .poll(async () => (await health(server.url)).body.oldestPendingMs, { timeout: 10_000 })
          .toBeGreaterThan(SHORT_CUT_MS);
        proxy.set('pass');
        await editRound(members, personId, `After short cut ${cut}`);
        await expectEverythingStored(boardId, members);
        // Each cut was long enough to be noticed, and its browsers heard when it cleared.
        await expect
          .poll(() => watcher.storage)
          .toEqual(Array.from({ length: cut + 1 }, () => ['delayed', 'stored']).flat());
      }
      for (const member of members) expect(member.client.provider.wsconnected).toBe(true);
    }, 150_000);

    it('fails the queries of a connection lost in the middle of them, not the server', async () => {
      const running = Array.from({ length: 3 }, () => sql`select pg_sleep(2)`.execute(server.database.db));
      const observer = new pg.Client({ connectionString: db.databaseUrl });
      await observer.connect();
      onTestFinished(() => observer.end());
      await expect
        .poll(async () => {
          const { rows } = await observer.query<{ n: string }>(
            `select count(*) as n from pg_stat_activity where datname = current_database() and query like 'select pg_sleep%' and state = 'active'`,
          );
          return Number(rows[0]!.n);
        })
        .toBe(3);
      proxy.set('cut');
      const outcomes = await Promise.allSettled(running);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      proxy.set('pass');
      // The server carries on: people sign in and the board opens.
      const cookie = await signIn(server.url, DEMO.member);
      const client = connectClient(server.url, DEMO_BOARD_ID, { cookie });
      await client.synced();
      await expect.poll(async () => (await health(server.url)).status).toBe(200);
    });

    it('answers rather than hangs when the database stops answering, and stores everything once it does again', async () => {
      const { boardId, members, personId } = await membersOnNewBoard('Black hole board');
      proxy.set('black-hole');
      // A request that needs the database fails in time (connect and query timeouts), not never.
      const rest = await fetch(`${server.url}/api/boards`, {
        headers: { cookie: members[0]!.cookie },
        signal: AbortSignal.timeout(20_000),
      });
      // ...and says so in words, with when to try again.
      expect([rest.status, rest.headers.get('retry-after')]).toEqual([503, '5']);
      expect(((await rest.json()) as { error: string }).error).toBe(DATABASE_UNAVAILABLE);
      // Health says why, within its probe's timeout (and its cache of a second).
      await expect
        .poll(async () => (await health(server.url)).body, { timeout: 5_000 })
        .toMatchObject({ ok: false, database: 'unreachable' });
      // People on the board still see each other's edits.
      await editRound(members, personId, 'In the black hole');
      await expect
        .poll(async () => (await health(server.url)).body, { timeout: 10_000 })
        .toMatchObject({ storage: 'degraded' });
      proxy.set('pass');
      await editRound(members, personId, 'Out of the black hole');
      await expectEverythingStored(boardId, members);
    }, 90_000);
  });

  describe('starting while the database is down', () => {
    it('waits for the database, saying so in the log, and serves once it returns', async () => {
      const db = await createTestDatabase({ kind: 'postgres' });
      onTestFinished(() => db.drop());
      const proxy = await startDatabaseProxy(db.databaseUrl!, { mode: 'cut' });
      const lines: string[] = [];
      const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
      const config = testConfig({
        db: { ...db, databaseUrl: proxy.url(db.databaseUrl!) },
        database: { connectTimeoutMs: 1_000 },
      });
      let started: HuddleServer | null = null;
      const starting = startServer(config, log).then((server) => {
        started = server;
        onTestFinished(() => server.close());
        return server;
      });
      const waiting = () =>
        lines
          .map((line) => JSON.parse(line) as { msg: string })
          .filter((entry) => entry.msg.startsWith('Huddle is waiting for the database'));
      await expect.poll(() => waiting().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
      expect(started).toBeNull();
      expect(waiting()[0]!.msg).toMatch(
        /cannot be reached \(.+\); trying again in [\d.]+ s\. It starts serving once the database answers\./,
      );

      proxy.set('pass');
      const server = await starting;
      expect((await health(server.url)).body).toMatchObject({ ok: true, db: 'postgres', database: 'ok' });
      const cookie = await signIn(server.url, DEMO.member);
      const client = connectClient(server.url, DEMO_BOARD_ID, { cookie });
      await client.synced();
      expect(client.board.readPeople().length).toBeGreaterThan(0);
    }, 60_000);
  });
}
