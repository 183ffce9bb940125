/**
 * Work benchmark: My work, the bell and the digest at the size of a large Place. Generates 200
 * boards holding 50,000 actions for 2,000 users through the real write path (each board's changes
 * made in a room with the projection and notification hooks, stored by PostgresBoardStorage), then
 * measures on the server's own code, with no HTTP in between:
 * - My work for random users (server time; target p95 < 50 ms);
 * - the bell's unread count (target p95 < 20 ms);
 * - catching up the projection of a 3,000-action board from scratch (a board projected whole as its
 *   room loads, stored);
 * - the daily digest for 2,000 users.
 * Writes `bench/results/work.json` (`work-pglite.json` without DATABASE_URL).
 *
 *   npm run bench:work -- --boards 200 --actions 50000 --users 2000 --samples 400
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { BoardDocument } from '#shared/board/boardDoc';
import { stagesFromTemplate } from '#shared/board/pathway';
import { AccessPolicy } from '../server/src/access/AccessPolicy.ts';
import type { Principal } from '../server/src/access/principal.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDatabase } from '../server/src/db/connect.ts';
import { createLogger } from '../server/src/log.ts';
import { createMailer } from '../server/src/notifications/mailer.ts';
import { NotificationJobs } from '../server/src/notifications/notificationJobs.ts';
import { notificationsHook } from '../server/src/notifications/notificationsHook.ts';
import { NotificationsRepository } from '../server/src/notifications/notificationsRepository.ts';
import { projectionHook } from '../server/src/projection/projectionHook.ts';
import { projectionIsCurrent } from '../server/src/projection/projectionTables.ts';
import { PostgresBoardStorage } from '../server/src/storage/postgresBoardStorage.ts';
import type { TransactionOrigin } from '../server/src/sync/origin.ts';
import { Room } from '../server/src/sync/Room.ts';
import { roomPersistence } from '../server/src/sync/roomPersistence.ts';
import { MyWorkQueries } from '../server/src/work/myWork.ts';
import { createBenchDatabase, repoRoot } from './support/servers.ts';
import { seededRandom as random } from '#shared/random';
import { createPlace, ORGANISATIONS, summary } from './support/place.ts';
import { formatTable } from './support/table.ts';

const { values } = parseArgs({
  options: {
    boards: { type: 'string', default: process.env.BENCH_BOARDS ?? '200' },
    actions: { type: 'string', default: process.env.BENCH_ACTIONS ?? '50000' },
    users: { type: 'string', default: process.env.BENCH_USERS ?? '2000' },
    samples: { type: 'string', default: process.env.BENCH_SAMPLES ?? '400' },
    'catch-up-actions': { type: 'string', default: '3000' },
    out: { type: 'string' },
  },
});
const BOARDS = Number(values.boards);
const ACTIONS = Number(values.actions);
const USERS = Number(values.users);
const SAMPLES = Number(values.samples);
const CATCH_UP_ACTIONS = Number(values['catch-up-actions']);
const PEOPLE_PER_BOARD = 20;
const say = (text = ''): void => void process.stdout.write(`${text}\n`);

const day = (offset: number): string => {
  const at = new Date();
  at.setDate(at.getDate() + offset);
  return `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
};

async function main(): Promise<void> {
  const bench = await createBenchDatabase();
  const log = createLogger('silent');
  const handle = await openDatabase({
    databaseUrl: bench.env.DATABASE_URL,
    dataDir: bench.env.DATA_DIR ?? null,
    log,
  });
  const db = handle.db;
  const next = random(2026);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  try {
    const generated = performance.now();
    // People, teams, boards: each board owned by one team; each user in about two teams.
    const { users, boards, members } = await createPlace(db, { boards: BOARDS, users: USERS });
    // Each board's content, made in a room with the server's hooks and stored as the server stores it.
    const storage = new PostgresBoardStorage(db, loadConfig({}).storage, log);
    const hooks = [
      projectionHook({ isCurrent: (id) => projectionIsCurrent(db, id) }, log),
      notificationsHook,
    ];
    const perBoard = Math.floor(ACTIONS / BOARDS);
    for (const [i, board] of boards.entries()) {
      const room = new Room(board.id, roomPersistence(storage), hooks);
      await room.load();
      const team = members[i]!;
      const creator = pick(team);
      const origin: TransactionOrigin = {
        source: 'server',
        user: { id: creator, name: `Bench User ${creator}`, organisation: null, organisationId: null },
      };
      const doc = new BoardDocument(room.doc, origin);
      const by = { id: creator, name: creator };
      room.doc.transact(() => {
        doc.addPathwayStages(stagesFromTemplate('frailty'), { by });
        for (let p = 0; p < PEOPLE_PER_BOARD; p++)
          doc.addPerson({ name: `Person ${i}-${p} Smith` }, { by, id: `person-${p}` });
        for (let a = 0; a < perBoard; a++) {
          const owner = pick(team);
          doc.addAction(
            {
              title: `Action ${a} on board ${i}`,
              ownerId: owner,
              ownerName: `Bench User ${owner}`,
              ownerOrganisationId: users[Number(owner.slice(5))]!.organisation_id,
              dueDate: day(Math.floor(next() * 40) - 10),
              personId: `person-${a % PEOPLE_PER_BOARD}`,
            },
            { by },
          );
        }
      }, origin);
      await room.unload();
      if ((i + 1) % 20 === 0) say(`generated ${i + 1} of ${BOARDS} boards`);
    }
    await storage.flush();
    const generatedMs = performance.now() - generated;
    const counted = await db
      .selectFrom('projected_actions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const notified = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();

    // Reminders first (as the hourly job makes them), so the bell and the digest have their share.
    const mailer = createMailer(null, 'Huddle <huddle@bench>', log);
    const morning = new Date();
    morning.setHours(6, 0, 0, 0);
    let clock = morning;
    const jobs = new NotificationJobs(db, mailer, log, {
      digestHour: 7,
      siteUrl: 'https://huddle.bench',
      now: () => clock,
    });
    const remindersStarted = performance.now();
    await jobs.tick();
    const remindersMs = performance.now() - remindersStarted;

    // My work and the bell, for random users, on the server's own code.
    const policy = new AccessPolicy(db);
    const work = new MyWorkQueries(db, policy);
    const notifications = new NotificationsRepository(db, policy);
    const principalOf = (i: number): Principal => ({
      sessionId: 'bench',
      userId: `user-${i}`,
      name: `Bench User ${i}`,
      email: `user-${i}@bench.example`,
      role: null,
      organisationId: users[i]!.organisation_id,
      organisationName: null,
      mustChangePassword: false,
      sessionEndsAt: Date.now() + 3_600_000,
    });
    const myWorkMs: number[] = [];
    const countMs: number[] = [];
    let listed = 0;
    for (let s = 0; s < SAMPLES; s++) {
      const principal = principalOf(Math.floor(next() * USERS));
      let started = performance.now();
      const answer = await work.forUser(principal, { scope: 'mine' });
      myWorkMs.push(performance.now() - started);
      if ('items' in answer) listed += answer.items.length;
      started = performance.now();
      await notifications.unreadCount(principal);
      countMs.push(performance.now() - started);
    }

    // A 3,000-action board projected from scratch, as a board whose projection is behind is when it loads.
    const big = new Y.Doc();
    const bigBoard = new BoardDocument(big);
    const bigBy = { id: 'user-0', name: 'Bench User 0' };
    big.transact(() => {
      for (let p = 0; p < 100; p++)
        bigBoard.addPerson({ name: `Big ${p} Jones` }, { by: bigBy, id: `big-${p}` });
      for (let a = 0; a < CATCH_UP_ACTIONS; a++)
        bigBoard.addAction(
          {
            title: `Big action ${a}`,
            ownerId: 'user-0',
            ownerName: 'Bench User 0',
            ownerOrganisationId: ORGANISATIONS[0]!.id,
            dueDate: day(a % 30),
            personId: `big-${a % 100}`,
          },
          { by: bigBy },
        );
    });
    await db.insertInto('boards').values({ id: 'board-big', name: 'Big board' }).execute();
    await db
      .insertInto('board_snapshots')
      .values({ board_id: 'board-big', state: Y.encodeStateAsUpdate(big) })
      .execute();
    const catchUpStarted = performance.now();
    const bigRoom = new Room('board-big', roomPersistence(storage), hooks);
    await bigRoom.load();
    await storage.flush();
    const catchUpMs = performance.now() - catchUpStarted;
    const bigRows = await db
      .selectFrom('projected_actions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('board_id', '=', 'board-big')
      .executeTakeFirstOrThrow();
    await bigRoom.unload();
    if (Number(bigRows.n) !== CATCH_UP_ACTIONS)
      throw new Error(`the big board projected ${bigRows.n} actions`);

    // The morning digest for everyone.
    clock = new Date(morning.getTime() + 90 * 60_000);
    const digestStarted = performance.now();
    await jobs.tick();
    const digestMs = performance.now() - digestStarted;
    const emails = await db
      .selectFrom('email_outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '' },
      database: bench.kind,
      parameters: {
        boards: BOARDS,
        actions: ACTIONS,
        users: USERS,
        samples: SAMPLES,
        catchUpActions: CATCH_UP_ACTIONS,
      },
      generated: {
        ms: Math.round(generatedMs),
        projectedActions: Number(counted.n),
        notificationsFromChanges: Number(notified.n),
      },
      myWorkMs: summary(myWorkMs),
      myWorkMeanItems: Math.round(listed / SAMPLES),
      unreadCountMs: summary(countMs),
      remindersMs: Math.round(remindersMs),
      catchUp3000Ms: Math.round(catchUpMs),
      digest: { ms: Math.round(digestMs), emails: Number(emails.n) },
    };
    say();
    say(
      formatTable(
        ['measure', 'p50', 'p95', 'p99', 'max', 'target'],
        [
          ['My work, server time (ms)', ...Object.values(result.myWorkMs).map(String), 'p95 < 50'],
          ['unread count, server time (ms)', ...Object.values(result.unreadCountMs).map(String), 'p95 < 20'],
        ],
      ),
    );
    say();
    say(
      formatTable(
        ['once', 'ms', 'detail'],
        [
          [
            'generating the Place',
            String(result.generated.ms),
            `${result.generated.projectedActions} actions projected, ${result.generated.notificationsFromChanges} notifications`,
          ],
          ['reminders (due tomorrow, overdue)', String(result.remindersMs), ''],
          [
            `projection catch-up, ${CATCH_UP_ACTIONS}-action board`,
            String(result.catchUp3000Ms),
            'projected whole as its room loads, stored',
          ],
          [
            `digest for ${USERS} users`,
            String(result.digest.ms),
            `${result.digest.emails} emails in the outbox`,
          ],
        ],
        ['left', 'right', 'left'],
      ),
    );
    const out =
      values.out ??
      path.join(repoRoot, 'bench/results', bench.kind === 'postgres' ? 'work.json' : 'work-pglite.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    say(`\nwrote ${path.relative(process.cwd(), out)}`);
    mailer.close();
  } finally {
    await handle.close();
    await bench.drop();
  }
}

await main();
