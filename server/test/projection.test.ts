import * as Y from 'yjs';
import { sql } from 'kysely';
import { COLLECTION_NAMES } from '#shared/board/records';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardDocument } from '#shared/board/boardDoc';
import { aPerson, anActionFor, priya, tom } from '#shared/board/testing';
import { stagesFromTemplate } from '#shared/board/pathway';
import { openDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { createLogger } from '../src/log.ts';
import { projectDocument } from '../src/projection/boardProjection.ts';
import { projectionRow } from '../src/projection/projectionTables.ts';
import { rebuildProjections, type RebuildProgress } from '../src/projection/rebuildProjections.ts';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import { PostgresBoardStorage } from '../src/storage/postgresBoardStorage.ts';
import { DATABASE_KINDS } from './support/sharedServer.ts';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.ts';
import { freshProjection, storedDocument, storedProjection } from './support/projection.ts';

const quiet = createLogger('silent');
const STORAGE = { flushIntervalMs: 5, compactThreshold: 1_000, warnAfterMs: 5_000 };

/** A board with one of everything, and two records an old or hostile client left broken. */
function boardWithEverything() {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc);
  const at = new Date('2026-12-04T09:00:00Z');
  const [stage] = board.addPathwayStages(stagesFromTemplate('frailty'), { by: priya, now: at });
  const person = board.addPerson(aPerson, { by: priya, now: at, text: { sbarSituation: 'Fell at home' } });
  board.movePersonToStage(person.id, stage!.id, { by: priya, now: at });
  const goal = board.addGoal(
    { personId: person.id, statement: 'I want to get back to my allotment', status: 'in_progress' },
    { by: priya, now: at },
  );
  const action = board.addAction({ ...anActionFor(person.id, tom), goalId: goal.id }, { by: priya, now: at });
  doc.transact(() => {
    const broken = new Y.Map<unknown>();
    broken.set('title', 'Call the GP');
    broken.set('status', 'maybe');
    doc.getMap('actions').set('broken-action', broken);
    doc.getMap('people').set('not-a-record', 'just text');
  });
  return { doc, person, goal, action, stage: stage! };
}

/** The row `id`'s record of `doc` gets. */
const rowOf = (doc: Y.Doc, id: string) =>
  projectionRow(
    'board-1',
    projectDocument(doc).find((record) => record.id === id)!,
  );

describe('the projection of a board document', () => {
  it('gives every record a row of its collection, with the columns queries across boards need', () => {
    const { doc, person, goal, action, stage } = boardWithEverything();
    expect(projectDocument(doc)).toHaveLength(doc.getMap('pathwayStages').size + 1 + 1 + 2 + 1);
    expect(rowOf(doc, action.id)).toMatchObject({
      board_id: 'board-1',
      status: 'proposed',
      owner_id: tom.id,
      owner_organisation_id: 'riverside-community',
      person_id: person.id,
      goal_id: goal.id,
      due_date: '2026-12-01',
      created_by_id: priya.id,
      created_at: '2026-12-04T09:00:00.000Z',
      completed_at: null,
      problems: null,
    });
    expect(rowOf(doc, action.id).record).toMatchObject({ title: action.title });
    expect(rowOf(doc, person.id)).toMatchObject({
      name: 'Margaret Ellis',
      risk: 'red',
      frailty_score: 6,
      key_worker_id: priya.id,
      stage_id: stage.id,
      stage_entered_at: '2026-12-04T09:00:00.000Z',
      archived: false,
      problems: null,
    });
    expect(rowOf(doc, goal.id)).toMatchObject({
      person_id: person.id,
      status: 'in_progress',
      problems: null,
    });
    expect(rowOf(doc, stage.id)).toMatchObject({ name: stage.stage.name, position: stage.stage.order });
  });

  it('leaves shared text out of the rows: SBAR notes and what matters stay in the document', () => {
    const { doc, person } = boardWithEverything();
    const record = rowOf(doc, person.id).record as Record<string, unknown>;
    expect(record).toMatchObject({ name: 'Margaret Ellis', nhsNumber: '9434765919' });
    expect(
      Object.keys(record).filter((field) => field.startsWith('sbar') || field === 'whatMatters'),
    ).toEqual([]);
  });

  it('projects a record that fails validation with its problems, never leaving it out', () => {
    const { doc } = boardWithEverything();
    const broken = rowOf(doc, 'broken-action');
    expect(broken).toMatchObject({ status: 'maybe', owner_id: null });
    expect(broken.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^status: /)]));
    const notARecord = rowOf(doc, 'not-a-record');
    expect(notARecord.problems).toEqual(['The record is not a map of fields']);
    expect(notARecord.record).toEqual({ value: 'just text' });
  });
});

describe.each(DATABASE_KINDS)('rebuilding every board’s projection on %s', (kind) => {
  let db: TestDatabase;
  let handle: DatabaseHandle;
  afterEach(async () => {
    await handle?.close();
    await db?.drop();
  });

  const openTestDatabase = async () => {
    db = await createTestDatabase({ kind });
    handle = await openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir, log: quiet });
  };
  /** The demo board's stored document, and `store` to store what has been done to it since. */
  const demoDocument = async () => {
    const storage = new PostgresBoardStorage(handle.db, STORAGE, quiet);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await storage.load(DEMO_BOARD_ID))!);
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const store = async () => {
      for (const update of updates.splice(0)) await storage.append(DEMO_BOARD_ID, { update });
      await storage.flush();
    };
    return { doc, store };
  };
  const storedRows = (boardId: string) => storedProjection(handle.db, boardId);
  /** A fresh read of the board's stored document, projected, as the database gives the rows back. */
  const freshRows = async (boardId: string) =>
    freshProjection(boardId, await storedDocument(handle.db, boardId));

  it('makes each board’s rows equal a fresh read of its document, again after the document changes, with progress', async () => {
    await openTestDatabase();
    const progress: RebuildProgress[] = [];
    const first = await rebuildProjections(handle.db, quiet, (p) => progress.push(p));
    const boards = await handle.db.selectFrom('boards').select('id').execute();
    expect(first.boards).toBe(boards.length);
    expect(progress.map((p) => [p.done, p.total])).toEqual(boards.map((_, i) => [i + 1, boards.length]));
    for (const { id } of boards) expect(await storedRows(id)).toEqual(await freshRows(id));
    const demo = await storedRows(DEMO_BOARD_ID);
    expect(demo.length).toBeGreaterThan(0);

    // The document changes under the projection: a record goes, another breaks.
    const { doc, store } = await demoDocument();
    const [gone] = [...doc.getMap('actions').keys()];
    doc.transact(() => {
      doc.getMap('actions').delete(gone!);
      doc.getMap('goals').set('hand-written', 'not a goal');
    });
    await store();

    const again = await rebuildProjections(handle.db, quiet);
    expect(again.needingAttention).toBe(first.needingAttention + 1);
    const rows = await storedRows(DEMO_BOARD_ID);
    expect(rows).toEqual(await freshRows(DEMO_BOARD_ID));
    expect(rows.map((row) => row.id)).not.toContain(gone);
    expect(rows.find((row) => row.id === 'hand-written')).toMatchObject({
      problems: ['The record is not a map of fields'],
    });
    const marks = await handle.db.selectFrom('board_projections').selectAll().execute();
    expect(marks.map((m) => m.board_id).sort()).toEqual(boards.map((b) => b.id).sort());
    expect(marks.find((m) => m.board_id === DEMO_BOARD_ID)!.records).toBe(rows.length);
  });
  it('keeps a stored record’s timestamp however far off, past 9999 or before Christ, and none beyond what Postgres holds', async () => {
    await openTestDatabase();
    const { doc, store } = await demoDocument();
    const createdAt = {
      'far-future': '+012345-06-07T08:09:10.123Z',
      'before-christ': '-000099-01-02T03:04:05.000Z',
      'year-one': '0001-01-01T00:00:00.000Z',
      'beyond-postgres': '-271821-04-20T00:00:00.000Z',
    };
    doc.transact(() => {
      for (const [id, at] of Object.entries(createdAt)) {
        const action = new Y.Map<unknown>();
        action.set('title', 'From an old client');
        action.set('createdAt', at);
        doc.getMap('actions').set(id, action);
      }
    });
    await store();
    const rebuilt = await rebuildProjections(handle.db, quiet);
    expect(rebuilt.failed).toEqual([]);
    const rows = await handle.db
      .selectFrom('projected_actions')
      // As milliseconds: PGlite reads a date before Christ back as an invalid Date.
      .select(['id', sql<number | null>`(extract(epoch from created_at) * 1000)::float8`.as('ms')])
      .where('board_id', '=', DEMO_BOARD_ID)
      .where('id', 'in', Object.keys(createdAt))
      .execute();
    expect(Object.fromEntries(rows.map((row) => [row.id, row.ms]))).toEqual({
      'far-future': Date.parse(createdAt['far-future']),
      'before-christ': Date.parse(createdAt['before-christ']),
      'year-one': Date.parse(createdAt['year-one']),
      'beyond-postgres': null,
    });
  });

  it('reports a board it cannot rebuild, leaves that board’s rows as they were, and rebuilds the others', async () => {
    await openTestDatabase();
    await rebuildProjections(handle.db, quiet);
    const before = await storedRows(DEMO_BOARD_ID);
    // A stored update that is not Yjs (a fault of the disk or of an old server): the board cannot be read.
    await handle.db
      .insertInto('board_updates')
      .values({ board_id: DEMO_BOARD_ID, update: new Uint8Array([1, 2, 3, 4, 5, 200, 7]) })
      .execute();
    const progress: RebuildProgress[] = [];
    const result = await rebuildProjections(handle.db, quiet, (p) => progress.push(p));
    expect(result.failed.map((b) => b.id)).toEqual([DEMO_BOARD_ID]);
    expect(progress.filter((p) => !p.outcome.ok).map((p) => p.board.id)).toEqual([DEMO_BOARD_ID]);
    expect(progress).toHaveLength(result.boards);
    expect(await storedRows(DEMO_BOARD_ID)).toEqual(before);
    const others = (await handle.db.selectFrom('boards').select('id').execute()).filter(
      (b) => b.id !== DEMO_BOARD_ID,
    );
    for (const { id } of others) expect(await storedRows(id)).toEqual(await freshRows(id));
  });
  it('stores a record whose text Postgres cannot hold as it is (NUL, half a symbol), and the rest of the board with it', async () => {
    await openTestDatabase();
    const { doc, store } = await demoDocument();
    doc.transact(() => {
      const hostile = new Y.Map<unknown>();
      hostile.set('title', 'Call\u0000 the GP \ud800');
      hostile.set('status', 'proposed\u0000');
      hostile.set('nested', { deeper: ['\udfff'] });
      doc.getMap('actions').set('hostile-text', hostile);
      // An id no index can hold whole, from a server older than the rule that refuses it.
      const longId = new Y.Map<unknown>();
      longId.set('title', 'Made with a very long id');
      doc.getMap('actions').set(`action-${'x'.repeat(5_000)}`, longId);
    });
    await store();

    const result = await rebuildProjections(handle.db, quiet);
    expect(result.failed).toEqual([]);
    const rows = await storedRows(DEMO_BOARD_ID);
    expect(rows.length).toBe(COLLECTION_NAMES.reduce((n, name) => n + doc.getMap(name).size, 0));
    const hostile = rows.find((row) => row.id === 'hostile-text')!;
    expect(hostile).toMatchObject({
      status: 'proposed\ufffd',
      record: { title: 'Call\ufffd the GP \ufffd', nested: { deeper: ['\ufffd'] } },
    });
    expect(hostile.problems).not.toBeNull();
    // Kept as a key the index can hold: cut short, with a hash of the whole.
    const long = rows.find((row) => (row.record as { title?: string }).title === 'Made with a very long id')!;
    expect(long.id).toMatch(/^action-x+\.\.\.#[0-9a-f]{16}$/);
    expect(long.id.length).toBeLessThanOrEqual(256);
  });
});
