import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { addDays } from '#shared/board/record';
import { BoardDocument } from '#shared/board/boardDoc';
import { stagesFromTemplate } from '#shared/board/pathway';
import { LISTED_FIGURES, ukToday, type ListedFigure } from '#shared/progress';
import { AccessPolicy } from '../server/src/access/AccessPolicy.ts';
import type { Principal } from '../server/src/access/principal.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDatabase } from '../server/src/db/connect.ts';
import { createLogger } from '../server/src/log.ts';
import { projectionHook } from '../server/src/projection/projectionHook.ts';
import { projectionIsCurrent } from '../server/src/projection/projectionTables.ts';
import { ProgressQueries } from '../server/src/progress/progressFigures.ts';
import { ProgressItemsQueries } from '../server/src/progress/progressItems.ts';
import { PostgresBoardStorage } from '../server/src/storage/postgresBoardStorage.ts';
import type { TransactionOrigin } from '../server/src/sync/origin.ts';
import { Room } from '../server/src/sync/Room.ts';
import { roomPersistence } from '../server/src/sync/roomPersistence.ts';
import { createBenchDatabase, repoRoot, signIn, spawnHuddle, type BenchDatabase } from './support/servers.ts';
import { launchChromium, newActor } from '../e2e/support/browser.ts';
import { buildClient } from '../e2e/support/buildClient.ts';
import { hashPassword } from '../server/src/auth/passwords.ts';
import type { Database } from '../server/src/db/schema.ts';
import { DEMO_PASSWORD } from '../server/test/support/auth.ts';
import { seededRandom as random } from '#shared/random';
import { createPlace, ORGANISATIONS, summary } from './support/place.ts';
import { formatTable } from './support/table.ts';

/*
 * bench:progress: the progress page's queries at the size of a large Place with a year of history.
 * Every board's year is written through the real write path, event by event at the time it happened
 * (a room with the server's projection hook, its clock set to each event's time, stored by the
 * server's storage), so the projection and its history are what a year of use leaves. Then the
 * page's figures (four weeks, and the whole year) and the lists behind them are timed, for an admin
 * who sees every board and for facilitators who see their own team's.
 */

const { values } = parseArgs({
  options: {
    boards: { type: 'string', default: process.env.BENCH_BOARDS ?? '200' },
    actions: { type: 'string', default: process.env.BENCH_ACTIONS ?? '50000' },
    users: { type: 'string', default: process.env.BENCH_USERS ?? '2000' },
    days: { type: 'string', default: '365' },
    samples: { type: 'string', default: process.env.BENCH_SAMPLES ?? '40' },
    out: { type: 'string' },
    /** Keeps the generated database (and says where it is), to look into its plans afterwards. */
    keep: { type: 'boolean', default: false },
    /** How many times the page is opened in Chromium (a fresh profile each time); 0 leaves it out. */
    renders: { type: 'string', default: '5' },
  },
});
const BOARDS = Number(values.boards);
const ACTIONS = Number(values.actions);
const USERS = Number(values.users);
const DAYS = Number(values.days);
const SAMPLES = Number(values.samples);
const PEOPLE_PER_BOARD = 20;
const DAY_MS = 86_400_000;

const say = (text = ''): void => void process.stdout.write(`${text}\n`);

/** One thing that happens on a board, at its time. */
interface BoardEvent {
  at: number;
  write: (board: BoardDocument, now: Date) => void;
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase();
  const log = createLogger('silent');
  const handle = await openDatabase({
    databaseUrl: bench.env.DATABASE_URL,
    dataDir: bench.env.DATA_DIR ?? null,
    log,
  });
  const db = handle.db;
  const next = random(2027);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const now = Date.now();
  const yearStart = now - DAYS * DAY_MS;
  const dateOf = (at: number): string => ukToday(new Date(at));
  try {
    const generated = performance.now();
    const { users, boards, members } = await createPlace(db, { boards: BOARDS, users: USERS });
    const organisationOf = new Map(users.map((u) => [u.id, u.organisation_id]));
    const storage = new PostgresBoardStorage(db, loadConfig({}).storage, log);
    const hooks = [projectionHook({ isCurrent: (id) => projectionIsCurrent(db, id) }, log)];
    const perBoard = Math.floor(ACTIONS / BOARDS);
    let events = 0;
    for (const [i, board] of boards.entries()) {
      const team = members[i]!;
      const by = (id: string) => ({ id, name: `Bench User ${id}` });
      const plan: BoardEvent[] = [];
      let stageIds: string[] = [];
      plan.push({
        at: yearStart,
        write: (b) => {
          stageIds = b.addPathwayStages(stagesFromTemplate('frailty'), { by: by(team[0]!) }).map((s) => s.id);
        },
      });
      // People arrive over the year and move along the pathway every few weeks.
      for (let p = 0; p < PEOPLE_PER_BOARD; p++) {
        const personId = `person-${p}`;
        const arrives = yearStart + 1 + Math.floor(next() * DAYS * 0.8) * DAY_MS;
        plan.push({
          at: arrives,
          write: (b, at) => {
            b.addPerson({ name: `Person ${i}-${p} Smith` }, { by: by(team[0]!), id: personId, now: at });
            b.movePersonToStage(personId, stageIds[0]!, { by: by(team[0]!), now: at });
          },
        });
        let moved = arrives;
        for (let s = 1; s < 6; s++) {
          moved += (7 + Math.floor(next() * 35)) * DAY_MS;
          if (moved >= now) break;
          plan.push({
            at: moved,
            write: (b, at) => b.movePersonToStage(personId, stageIds[s]!, { by: by(team[0]!), now: at }),
          });
        }
      }
      // Actions: made over the year, most proposed and accepted within days, most done within weeks.
      for (let a = 0; a < perBoard; a++) {
        const id = `action-${a}`;
        const owner = pick(team);
        const proposer = pick(team);
        const made = yearStart + DAY_MS + Math.floor(next() * (DAYS - 1) * DAY_MS);
        const proposed = proposer !== owner;
        const due = dateOf(made + (7 + Math.floor(next() * 21)) * DAY_MS);
        plan.push({
          at: made,
          write: (b, at) =>
            b.addAction(
              {
                title: `Action ${a} on board ${i}`,
                ownerId: owner,
                ownerName: `Bench User ${owner}`,
                ownerOrganisationId: organisationOf.get(owner) ?? ORGANISATIONS[0]!.id,
                dueDate: due,
                personId: `person-${a % PEOPLE_PER_BOARD}`,
              },
              { by: by(proposed ? proposer : owner), id, now: at },
            ),
        });
        let taken = made;
        if (proposed) {
          taken = made + Math.floor(next() * 5 * DAY_MS);
          if (taken >= now || next() < 0.1) continue;
          plan.push({
            at: taken,
            write: (b, at) => b.updateAction(id, { status: 'accepted' }, { by: by(owner), now: at }),
          });
        }
        const done = taken + Math.floor(next() * 35 * DAY_MS);
        if (done < now && next() < 0.8)
          plan.push({ at: done, write: (b, at) => b.completeAction(id, { by: by(owner), now: at }) });
      }
      plan.sort((x, y) => x.at - y.at);
      let clock = new Date(plan[0]!.at);
      const room = new Room(board.id, roomPersistence(storage), hooks, undefined, undefined, () => clock);
      await room.load();
      const origin: TransactionOrigin = {
        source: 'server',
        user: { id: team[0]!, name: `Bench User ${team[0]!}`, organisation: null, organisationId: null },
      };
      const doc = new BoardDocument(room.doc, origin);
      for (const event of plan) {
        clock = new Date(event.at);
        room.doc.transact(() => event.write(doc, clock), origin);
      }
      events += plan.length;
      await room.unload();
      if ((i + 1) % 20 === 0) say(`wrote a year of ${i + 1} of ${BOARDS} boards (${events} events)`);
    }
    await storage.flush();
    const generatedMs = performance.now() - generated;
    // What autovacuum would have done over the year: the statistics the planner needs, and the
    // visibility map that lets a count read only an index.
    await sql`vacuum analyze`.execute(db);
    const transitions = await db
      .selectFrom('record_transitions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();

    const policy = new AccessPolicy(db);
    const progress = new ProgressQueries(db, policy);
    const items = new ProgressItemsQueries(db, progress);
    const admin: Principal = {
      sessionId: 'bench',
      userId: 'bench-admin',
      name: 'Bench Admin',
      email: 'admin@bench.example',
      role: 'admin',
      organisationId: null,
      organisationName: null,
      mustChangePassword: false,
      sessionEndsAt: Date.now() + 3_600_000,
    };
    const facilitator = (i: number): Principal => ({
      ...admin,
      userId: members[i]![0]!,
      role: null,
      organisationId: organisationOf.get(members[i]![0]!) ?? null,
    });
    const today = ukToday(new Date());
    const fourWeeks = { from: addDays(today, -27), to: today };
    const year = { from: addDays(today, -364), to: today };
    const timed = async (run: () => Promise<unknown>): Promise<number[]> => {
      const samples: number[] = [];
      for (let s = 0; s < SAMPLES; s++) {
        const started = performance.now();
        await run();
        samples.push(performance.now() - started);
      }
      return samples;
    };
    const measures: [string, number[]][] = [
      ['figures, every board, 4 weeks', await timed(() => progress.figures(admin, fourWeeks))],
      ['figures, every board, 12 months', await timed(() => progress.figures(admin, year))],
      [
        'figures, one team, 4 weeks',
        await timed(() => progress.figures(facilitator(Math.floor(next() * BOARDS)), fourWeeks)),
      ],
      [
        'figures, one organisation, 4 weeks',
        await timed(() => progress.figures(admin, { ...fourWeeks, organisation: pick(ORGANISATIONS).id })),
      ],
    ];
    const lists: ListedFigure[] = LISTED_FIGURES.filter((f) => f !== 'atStage');
    for (const figure of lists)
      measures.push([
        `list: ${figure}, every board, 4 weeks`,
        await timed(() => items.items(admin, { ...fourWeeks, figure, of: 'now' })),
      ]);
    measures.push([
      'list: atStage, every board',
      await timed(() => items.items(admin, { ...fourWeeks, figure: 'atStage', of: 'now', stage: 'Review' })),
    ]);
    const sample = await progress.figures(admin, fourWeeks);
    if (bench.kind === 'postgres') measures.push(...(await eachQuery(bench, admin, fourWeeks, year)));
    // PGlite is one process's database: a server beside this one cannot open it.
    const renders =
      bench.kind === 'postgres' && Number(values.renders) > 0
        ? await firstRenders(db, bench, Number(values.renders))
        : [];
    measures.push(...renders);

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '' },
      database: bench.kind,
      parameters: { boards: BOARDS, actions: ACTIONS, users: USERS, days: DAYS, samples: SAMPLES },
      generated: { ms: Math.round(generatedMs), events, transitions: Number(transitions.n) },
      fourWeeks: 'actions' in sample ? sample.actions : sample,
      ms: Object.fromEntries(measures.map(([name, samples]) => [name, summary(samples)])),
    };
    say();
    say(
      formatTable(
        ['measure (ms)', 'p50', 'p95', 'p99', 'max', 'target'],
        measures.map(([name, samples]) => [
          name,
          ...Object.values(summary(samples)).map(String),
          name.startsWith('first render') ? 'p95 < 1000' : 'p95 < 50',
        ]),
      ),
    );
    say();
    say(
      `generated ${BOARDS} boards, ${ACTIONS} actions, ${events} events over ${DAYS} days in ${Math.round(generatedMs / 1000)} s; ${result.generated.transitions} history rows`,
    );
    const out =
      values.out ??
      path.join(
        repoRoot,
        'bench/results',
        bench.kind === 'postgres' ? 'progress.json' : 'progress-pglite.json',
      );
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    say(`\nwrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await handle.close();
    if (values.keep) say(`kept the database: ${bench.description}`);
    else await bench.drop();
  }
}

/** What each query behind the figures is, by the words that open its SQL. */
const QUERY_KINDS: [string, RegExp][] = [
  ['weekly trends', /^with made/],
  ['people added and stepped down each week', /^select f\.at from/],
  ['days to accept', /^with accepted/],
  ['completions, on time, days to done', /percentile_cont/],
  ['by organisation', /^select f\.organisation_id/],
  ['people at each stage', /from projected_stages s left join/],
  ['a count (opened, overdue, people, goals)', /^select count\(\*\) as n/],
  // The rest: the boards the caller may see, and the filters' choices.
  ['boards and choices', /./],
];

/**
 * Each query behind the figures on its own: the figures for every board over four weeks and over a
 * year, their queries run one at a time (a pool of one connection), timed by the database driver.
 */
async function eachQuery(
  bench: BenchDatabase,
  admin: Principal,
  ...periods: { from: string; to: string }[]
): Promise<[string, number[]][]> {
  const times = new Map<string, number[]>();
  let label = '';
  const pool = new pg.Pool({ connectionString: bench.env.DATABASE_URL, max: 1 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level !== 'query') return;
      const text = event.query.sql.replace(/\s+/g, ' ').trim();
      const kind = QUERY_KINDS.find(([, pattern]) => pattern.test(text))?.[0];
      if (!kind) return;
      const key = `query: ${kind}, every board, ${label}`;
      times.set(key, [...(times.get(key) ?? []), event.queryDurationMillis]);
    },
  });
  try {
    const progress = new ProgressQueries(db, new AccessPolicy(db));
    for (const [i, period] of periods.entries()) {
      label = i === 0 ? '4 weeks' : '12 months';
      for (let s = 0; s < SAMPLES; s++) await progress.figures(admin, period);
    }
  } finally {
    await db.destroy();
  }
  return [...times];
}

/**
 * The page's first render in Chromium, from a fresh profile each time (nothing cached): from the
 * start of navigation to the headline figures and every chart drawn, for every board and for one
 * team's boards, as an admin signed in to a server on the benchmark's database, after one opening
 * of the page that is not counted.
 */
async function firstRenders(
  db: Kysely<Database>,
  bench: BenchDatabase,
  samples: number,
): Promise<[string, number[]][]> {
  const clientDir = mkdtempSync(path.join(os.tmpdir(), 'huddle-progress-client-'));
  say('building the client and starting a server for the first render in Chromium');
  await buildClient({ outDir: clientDir });
  await db
    .insertInto('users')
    .values({
      id: 'bench-render-admin',
      name: 'Bench Render Admin',
      email: 'render-admin@bench.example',
      profession: 'Place manager',
      organisation_id: null,
      role: 'admin',
      password_hash: await hashPassword(DEMO_PASSWORD),
    })
    .execute();
  const server = await spawnHuddle(bench, { CLIENT_DIR: clientDir, SEED: 'false' });
  const browser = await launchChromium();
  try {
    const cookie = await signIn(server.port, 'render-admin@bench.example');
    const origin = `http://127.0.0.1:${server.port}`;
    const team = await db
      .selectFrom('board_teams')
      .select('team_id')
      .where('board_id', 'in', db.selectFrom('boards').select('id').limit(1))
      .executeTakeFirstOrThrow();
    const timeRender = async (url: string, count = samples): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const actor = await newActor(browser, origin, 'manager');
        const [name, ...value] = cookie.split('=');
        await actor.context.addCookies([{ name: name!, value: value.join('='), url: origin }]);
        await actor.page.goto(url);
        await actor.page.getByTestId('progress-figure-opened').waitFor({ timeout: 60_000 });
        await actor.page.waitForFunction(
          "[...document.querySelectorAll('.progress-chart__drawing')].filter((d) => d.childElementCount > 0).length >= 5",
          null,
          {
            timeout: 60_000,
          },
        );
        times.push(await actor.page.evaluate(() => performance.now()));
        await actor.close();
      }
      return times;
    };
    // One opening first, not counted: a server just started has not yet compiled its code paths,
    // which a Place's server, up for days, has.
    await timeRender(`${origin}/progress`, 1);
    return [
      ['first render in Chromium, every board, 4 weeks', await timeRender(`${origin}/progress`)],
      [
        'first render in Chromium, one team, 4 weeks',
        await timeRender(`${origin}/progress?team=${team.team_id}`),
      ],
    ];
  } finally {
    await browser.close();
    await server.stop();
    rmSync(clientDir, { recursive: true, force: true });
  }
}

await main();
