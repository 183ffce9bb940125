/**
 * History benchmark: versions, what changed and restore on a generated board (300 people, 1,000
 * goals, 3,000 actions by default), and what a board's history costs in storage after 100,000 edits.
 * Runs the server's own code in this process (rooms with the rules, audit and projection hooks,
 * PostgresBoardStorage, BoardVersions), with no HTTP in between:
 * - saving a version of the board, and opening one (reading it back and reading every record);
 * - what changed between two versions a week apart (a week of the team's changes between them);
 * - restoring one action, and the whole board, from the older version: the browser's work
 *   (`restoreRecords`) and the server's (the change applied, checked, audited, projected, stored);
 * - 100,000 edits to one board (typing in notes, field changes, records added and archived), over
 *   30 days: the stored log, snapshot, versions and audit trail against the board's encoded state,
 *   what the trail would have held with a whole copy of a note per keystroke, and the process's
 *   memory as it goes.
 * Writes `bench/results/history.json` (`history-pglite.json` without DATABASE_URL).
 *
 *   npm run bench:history -- --rounds 5 --edits 100000
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { BoardDocument } from '#shared/board/boardDoc';
import { seededRandom } from '#shared/random';
import type { CollectionName } from '#shared/board/records';
import { auditHook } from '../server/src/audit/auditHook.ts';
import { boardRulesHook } from '../server/src/boards/boardRulesHook.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDatabase } from '../server/src/db/connect.ts';
import { createLogger } from '../server/src/log.ts';
import { projectionHook } from '../server/src/projection/projectionHook.ts';
import { projectionIsCurrent } from '../server/src/projection/projectionTables.ts';
import { PostgresBoardStorage } from '../server/src/storage/postgresBoardStorage.ts';
import type { TransactionOrigin } from '../server/src/sync/origin.ts';
import { Room } from '../server/src/sync/Room.ts';
import { roomPersistence } from '../server/src/sync/roomPersistence.ts';
import { BoardVersions, insertVersion, versionState } from '../server/src/versions/boardVersions.ts';
import { changesBetween } from '../server/src/versions/versionChanges.ts';
import { generateBoard } from './support/boardGenerate.ts';
import { BENCH_MEMBERS } from './support/members.ts';
import { createBenchDatabase, repoRoot } from './support/servers.ts';
import { formatTable } from './support/table.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '300' },
    goals: { type: 'string', default: '1000' },
    actions: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '5' },
    edits: { type: 'string', default: '100000' },
    out: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds);
const EDITS = Number(values.edits);
const DAY_MS = 24 * 60 * 60 * 1000;
const say = (text = ''): void => void process.stdout.write(`${text}\n`);
const ms = (value: number): string => value.toFixed(1);
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} kB`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** A team member acting on the board, as the audit trail names them. */
function originOf(index: number): TransactionOrigin {
  const member = BENCH_MEMBERS[index % BENCH_MEMBERS.length]!;
  return {
    source: 'server',
    user: { id: member.id, name: member.name, organisation: null, organisationId: member.organisationId },
  };
}

/** As a browser's change arrives: the rules check it, then the hooks describe it. */
const CONNECTION: TransactionOrigin = {
  source: 'connection',
  connectionId: 'bench-restore',
  user: { id: BENCH_MEMBERS[0]!.id, name: BENCH_MEMBERS[0]!.name, organisation: null, organisationId: null },
};

const SENTENCES = [
  'Found on the floor by her carer at 7am, not hurt, says she feels dizzy.',
  'Daughter visiting on Sunday; wants to talk about a care home.',
  'GP reviewed medication: stop the evening sedative.',
  'OT to assess the stairs and fit a second rail.',
  'Eating better since the meals started; weight steady.',
];
/** The chance, each edit, that someone starts typing a sentence (some 55 keystrokes) into a note. */
const TYPING_STARTS = 0.0265;
const TEXT_FIELDS = [
  'whatMatters',
  'sbarSituation',
  'sbarBackground',
  'sbarAssessment',
  'sbarRecommendation',
];

interface Row {
  what: string;
  p50: number;
  p95: number;
  note: string;
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
  const config = loadConfig({});
  const storage = new PostgresBoardStorage(db, config.storage, log);
  const hooks = [
    boardRulesHook,
    auditHook(),
    projectionHook({ isCurrent: (id) => projectionIsCurrent(db, id) }, log),
  ];
  let clock = new Date(Date.now() - 40 * DAY_MS);
  const versions = new BoardVersions(
    db,
    (id) => storage.current(id),
    log,
    undefined,
    () => clock,
  );
  const rows: Row[] = [];
  const results: Record<string, unknown> = {
    when: new Date().toISOString(),
    database: bench.kind,
    machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`,
  };
  try {
    // The board: generated, then written through a room as the team's first change.
    const size = {
      people: Number(values.people),
      goals: Number(values.goals),
      actions: Number(values.actions),
      seed: 1,
    };
    const generated = generateBoard(size, clock);
    const boardId = 'bench-history-board';
    await db.insertInto('boards').values({ id: boardId, name: 'History benchmark' }).execute();
    const room = new Room(boardId, roomPersistence(storage), hooks, undefined, undefined, () => clock);
    await room.load();
    Y.applyUpdate(room.doc, generated.state, originOf(0));
    await storage.flush();
    const encoded = Y.encodeStateAsUpdate(room.doc).byteLength;
    say(
      `Board: ${size.people} people, ${size.goals} goals, ${size.actions} actions; ${kb(encoded)} encoded (${bench.description})`,
    );

    // A version at the handover, then a week of the team's changes, then another.
    const weekStart = await insertVersion(db, boardId, versionState(Y.encodeStateAsUpdate(room.doc)), {
      kind: 'labelled',
      label: 'Handover, week 1',
      by: { id: BENCH_MEMBERS[0]!.id, name: BENCH_MEMBERS[0]!.name },
      at: clock,
    });
    const next = seededRandom(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const board = (i: number) => new BoardDocument(room.doc, originOf(i));
    const peopleIds = generated.personIds;
    const actionIds = board(0)
      .readActions()
      .map((a) => a.id);
    const goalIds = board(0)
      .readGoals()
      .map((g) => g.id);
    let weekChanges = 0;
    for (let day = 1; day <= 7; day += 1) {
      for (let i = 0; i < 60; i += 1) {
        clock = new Date(clock.getTime() + 10 * 60_000);
        const who = Math.floor(next() * BENCH_MEMBERS.length);
        const as = { by: { id: BENCH_MEMBERS[who]!.id, name: BENCH_MEMBERS[who]!.name }, now: clock };
        const origin = originOf(who);
        const kind = i % 4;
        room.doc.transact(() => {
          const doc = new BoardDocument(room.doc, origin);
          if (kind === 0)
            doc.updatePerson(
              pick(peopleIds),
              { risk: pick(['red', 'amber', 'green'] as const), riskReason: 'Reviewed at the huddle' },
              as,
            );
          else if (kind === 1)
            doc.updateAction(
              pick(actionIds),
              { dueDate: `2027-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}` },
              as,
            );
          else if (kind === 2)
            doc.updateGoal(
              pick(goalIds),
              { status: pick(['in_progress', 'achieved', 'not_started'] as const) },
              as,
            );
          else {
            const text = doc.sharedText('people', pick(peopleIds), pick(TEXT_FIELDS))!;
            text.insert(text.length, ` ${pick(SENTENCES)}`);
          }
        }, origin);
        weekChanges += 1;
      }
      clock = new Date(clock.getTime() + DAY_MS - 600 * 60_000);
    }
    await storage.flush();
    const weekEnd = await insertVersion(db, boardId, versionState(Y.encodeStateAsUpdate(room.doc)), {
      kind: 'labelled',
      label: 'Handover, week 2',
      by: { id: BENCH_MEMBERS[1]!.id, name: BENCH_MEMBERS[1]!.name },
      at: clock,
    });

    const saves: number[] = [];
    const opens: number[] = [];
    const diffs: number[] = [];
    let versionBytes = 0;
    let storedAs = '';
    let changeCount = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      clock = new Date(clock.getTime() + 1000);
      const saved = await timed(() =>
        versions.save(boardId, `Round ${round}`, { id: 'bench', name: 'Bench' }),
      );
      saves.push(saved.ms);
      const row = await db
        .selectFrom('board_versions')
        .select([(eb) => eb.fn<number>('octet_length', ['state']).as('bytes'), 'base_id'])
        .where('id', '=', saved.value!.id)
        .executeTakeFirstOrThrow();
      versionBytes = Number(row.bytes);
      storedAs = row.base_id === null ? 'whole' : 'what changed since its keyframe';
      const opened = await timed(async () => {
        const version = (await versions.read(boardId, saved.value!.id))!;
        const doc = new Y.Doc();
        Y.applyUpdate(doc, version.state);
        const read = new BoardDocument(doc);
        const count =
          read.readPeople().length +
          read.readGoals().length +
          read.readActions().length +
          read.readPathwayStages().length;
        doc.destroy();
        return count;
      });
      opens.push(opened.ms);
      const [from, to] = await Promise.all([
        versions.read(boardId, weekStart.id),
        versions.read(boardId, weekEnd.id),
      ]);
      const diff = await timed(() =>
        changesBetween(
          db,
          boardId,
          { state: from!.state, at: new Date(from!.summary.savedAt) },
          { state: to!.state, at: new Date(to!.summary.savedAt) },
        ),
      );
      diffs.push(diff.ms);
      changeCount = diff.value.reduce((sum, group) => sum + group.changes.length, 0);
    }
    rows.push({
      what: 'save a version',
      p50: percentile(saves, 50),
      p95: percentile(saves, 95),
      note: `${kb(versionBytes)} stored (${storedAs}) for a board of ${kb(encoded)}`,
    });
    rows.push({
      what: 'open a version (read back, every record read)',
      p50: percentile(opens, 50),
      p95: percentile(opens, 95),
      note: '',
    });
    rows.push({
      what: 'what changed, two versions a week apart',
      p50: percentile(diffs, 50),
      p95: percentile(diffs, 95),
      note: `${weekChanges} edits in the week: ${changeCount} changes listed, with who and when`,
    });

    // Restore: in a browser's copy of the board (restoreRecords), then the server applies the change
    // as it does a connection's (rules, audit, projection), then stores it.
    const older = (await versions.read(boardId, weekStart.id))!;
    const olderDoc = new Y.Doc();
    Y.applyUpdate(olderDoc, older.state);
    const olderBoard = new BoardDocument(olderDoc);
    const restoreTimes = {
      one: [] as number[],
      oneServer: [] as number[],
      whole: [] as number[],
      wholeServer: [] as number[],
    };
    let wholeRecords = 0;
    const collections: [CollectionName, () => { ok: boolean; id: string; value?: unknown }[]][] = [
      ['people', () => olderBoard.readPeople()],
      ['goals', () => olderBoard.readGoals()],
      ['actions', () => olderBoard.readActions()],
      ['pathwayStages', () => olderBoard.readPathwayStages()],
    ];
    const everything = collections.flatMap(([collection, read]) =>
      read().flatMap((r) =>
        r.ok ? [{ collection, id: r.id, values: r.value as Record<string, unknown> }] : [],
      ),
    );
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const whole of [false, true]) {
        // Something to restore: the week's kind of change again.
        room.doc.transact(() => {
          const doc = new BoardDocument(room.doc, originOf(2));
          for (let i = 0; i < 30; i += 1)
            doc.updateAction(
              pick(actionIds),
              { dueDate: '2027-12-0' + (1 + (i % 9)) },
              { by: { id: null, name: 'Bench' } },
            );
        }, originOf(2));
        const browser = new Y.Doc();
        Y.applyUpdate(browser, Y.encodeStateAsUpdate(room.doc));
        const before = Y.encodeStateVector(browser);
        const restoreIn = new BoardDocument(browser, 'restore');
        const actionId = pick(actionIds);
        const records = whole
          ? everything
          : everything.filter((r) => r.collection === 'actions' && r.id === actionId);
        const client = await timed(() => restoreIn.restoreRecords(records));
        if (whole) wholeRecords = client.value.length;
        const update = Y.encodeStateAsUpdate(browser, before);
        const server = await timed(async () => {
          Y.applyUpdate(room.doc, update, CONNECTION);
          await storage.flush();
        });
        restoreTimes[whole ? 'whole' : 'one'].push(client.ms);
        restoreTimes[whole ? 'wholeServer' : 'oneServer'].push(server.ms);
        browser.destroy();
      }
    }
    rows.push({
      what: 'restore one action: in the browser',
      p50: percentile(restoreTimes.one, 50),
      p95: percentile(restoreTimes.one, 95),
      note: '',
    });
    rows.push({
      what: 'restore one action: on the server, stored',
      p50: percentile(restoreTimes.oneServer, 50),
      p95: percentile(restoreTimes.oneServer, 95),
      note: '',
    });
    rows.push({
      what: 'restore the whole board: in the browser',
      p50: percentile(restoreTimes.whole, 50),
      p95: percentile(restoreTimes.whole, 95),
      note: `${wholeRecords} records put back`,
    });
    rows.push({
      what: 'restore the whole board: on the server, stored',
      p50: percentile(restoreTimes.wholeServer, 50),
      p95: percentile(restoreTimes.wholeServer, 95),
      note: '',
    });
    say();
    say(
      formatTable(
        ['', 'p50 ms', 'p95 ms', ''],
        rows.map((r) => [r.what, ms(r.p50), ms(r.p95), r.note]),
        ['left', 'right', 'right', 'left'],
      ),
    );
    results.operations = rows;
    await room.unload();

    // 100,000 edits to one board, over 30 days, through a room as the team makes them.
    say();
    say(`${EDITS.toLocaleString('en-GB')} edits to one board over 30 days…`);
    const editsId = 'bench-history-edits';
    await db.insertInto('boards').values({ id: editsId, name: 'History benchmark: edits' }).execute();
    clock = new Date(Date.now() - 31 * DAY_MS);
    const small = generateBoard({ people: 40, goals: 100, actions: 300, seed: 2 }, clock);
    // Storage on the benchmark's clock too: compaction saves the day's version as of the edits' day.
    const editStorage = new PostgresBoardStorage(db, config.storage, log, () => clock.getTime());
    const editVersions = new BoardVersions(
      db,
      (id) => editStorage.current(id),
      log,
      undefined,
      () => clock,
    );
    let editRoom = new Room(editsId, roomPersistence(editStorage), hooks, undefined, undefined, () => clock);
    await editRoom.load();
    Y.applyUpdate(editRoom.doc, small.state, originOf(0));
    const people = [...small.personIds];
    const actions = new BoardDocument(editRoom.doc).readActions().map((a) => a.id);
    const archived = new Set<string>();
    /** What the trail would hold with the whole note before and after every keystroke. */
    let wholeCopyBytes = 0;
    const memory: string[][] = [];
    const started = performance.now();
    const step = (EDITS / 30) | 0;
    let typing: { by: number; person: string; field: string; left: string } | null = null;
    for (let i = 0; i < EDITS; i += 1) {
      clock = new Date(clock.getTime() + Math.floor((30 * DAY_MS) / EDITS));
      const roll = next();
      // About six edits in ten are keystrokes: a sentence typed into a note is some 55 of them.
      if (!typing && roll < TYPING_STARTS)
        typing = {
          by: i % BENCH_MEMBERS.length,
          person: pick(people.filter((p) => !archived.has(p))),
          field: pick(TEXT_FIELDS),
          left: ` ${pick(SENTENCES)}`,
        };
      const who = typing ? typing.by : i % BENCH_MEMBERS.length;
      const origin = originOf(who);
      const as = { by: { id: BENCH_MEMBERS[who]!.id, name: BENCH_MEMBERS[who]!.name }, now: clock };
      editRoom.doc.transact(() => {
        const doc = new BoardDocument(editRoom.doc, origin);
        if (typing) {
          // Typing: a sentence into a note, a keystroke at a time.
          const text = doc.sharedText('people', typing.person, typing.field)!;
          if (text.length > 4_000) text.delete(0, 2_000);
          const was = text.toString();
          text.insert(text.length, typing.left[0]!);
          wholeCopyBytes += was.length + was.length + 1;
          typing.left = typing.left.slice(1);
          if (!typing.left) typing = null;
        } else if (roll < 0.65) {
          if (next() < 0.5)
            doc.updatePerson(
              pick(people),
              { risk: pick(['red', 'amber', 'green'] as const), riskReason: `Reviewed ${i}` },
              as,
            );
          else doc.updateAction(pick(actions), { dueDate: `2027-0${1 + (i % 9)}-1${i % 9}` }, as);
        } else if (roll < 0.9) {
          const person = pick(people);
          actions.push(
            doc.addAction(
              {
                title: `Follow-up ${i}`,
                ownerId: BENCH_MEMBERS[who]!.id,
                ownerName: BENCH_MEMBERS[who]!.name,
                ownerOrganisationId: BENCH_MEMBERS[who]!.organisationId,
                dueDate: '2027-03-01',
                personId: person,
              },
              as,
            ).id,
          );
        } else {
          const person = pick(people);
          if (archived.has(person)) {
            doc.restorePerson(person, as);
            archived.delete(person);
          } else if (archived.size < people.length / 4) {
            doc.archivePerson(person, 'Moved out of the area', as);
            archived.add(person);
          }
        }
      }, origin);
      if ((i + 1) % step === 0) {
        // A day: the day's automatic version (and the retention policy) as the server does once a day.
        await editStorage.flush();
        await editVersions.saveDaily(clock);
        await editVersions.prune(clock);
        if (memory.length < 31) {
          // After a collection (with --expose-gc): what stays, not what waits to be collected.
          (globalThis as { gc?: () => void }).gc?.();
          const used = process.memoryUsage();
          memory.push([(i + 1).toLocaleString('en-GB'), mb(used.heapUsed), mb(used.rss)]);
        }
      }
      if ((i + 1) % 25_000 === 0) {
        // The board goes idle and is unloaded (compacted), then opens again.
        await editRoom.unload();
        editRoom = new Room(editsId, roomPersistence(editStorage), hooks, undefined, undefined, () => clock);
        await editRoom.load();
      }
    }
    await editStorage.flush();
    const editsMs = performance.now() - started;
    const state = Y.encodeStateAsUpdate(editRoom.doc).byteLength;
    await editRoom.unload();
    editStorage.close();
    const sizes = await sql<{ what: string; rows: string; bytes: string }>`
      select 'log' as what, count(*)::text as rows, coalesce(sum(octet_length(update)), 0)::text as bytes
        from board_updates where board_id = ${editsId}
      union all
      select 'snapshot', count(*)::text, coalesce(sum(octet_length(state)), 0)::text from board_snapshots where board_id = ${editsId}
      union all
      select 'versions', count(*)::text, coalesce(sum(octet_length(state)), 0)::text from board_versions where board_id = ${editsId}
      union all
      select 'audit trail', count(*)::text, coalesce(sum(pg_column_size(a.*)), 0)::text from audit_events a where board_id = ${editsId}
      union all
      select 'audit trail: the typing', count(*)::text, coalesce(sum(pg_column_size(a.*)), 0)::text
        from audit_events a where board_id = ${editsId} and burst is not null`.execute(db);
    const table = sizes.rows.map((row) => [
      row.what,
      Number(row.rows).toLocaleString('en-GB'),
      mb(Number(row.bytes)),
      `${(Number(row.bytes) / state).toFixed(1)}×`,
    ]);
    table.push([
      '(the typing, a whole note before and after per keystroke)',
      '',
      mb(wholeCopyBytes),
      `${(wholeCopyBytes / state).toFixed(1)}×`,
    ]);
    say(`Written in ${(editsMs / 1000).toFixed(0)} s; the board's encoded state: ${kb(state)}`);
    say(formatTable(['stored', 'rows', 'size', 'of the state'], table, ['left', 'right', 'right', 'right']));
    say();
    say('Memory as the edits went on (every day of the 30):');
    say(
      formatTable(
        ['edits', 'heap', 'rss'],
        memory.filter((_, i) => i % 5 === 0 || i === memory.length - 1),
        ['right', 'right', 'right'],
      ),
    );
    results.edits = {
      edits: EDITS,
      seconds: editsMs / 1000,
      stateBytes: state,
      stored: sizes.rows.map((row) => ({ what: row.what, rows: Number(row.rows), bytes: Number(row.bytes) })),
      wholeCopyTrailBytes: wholeCopyBytes,
      memory,
    };
  } finally {
    storage.close();
    await handle.close();
    await bench.drop();
  }
  const out =
    values.out ??
    path.join(repoRoot, 'bench/results', bench.kind === 'pglite' ? 'history-pglite.json' : 'history.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  say();
  say(`Results written to ${path.relative(repoRoot, out)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
