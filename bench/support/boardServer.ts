import * as Y from 'yjs';
import { Collection, BoardDocument } from '#shared/board/boardDoc';
import { loadConfig } from '../../server/src/config.ts';
import { openDatabase } from '../../server/src/db/connect.ts';
import { createLogger } from '../../server/src/log.ts';
import { PostgresBoardStorage } from '../../server/src/storage/postgresBoardStorage.ts';
import { Room } from '../../server/src/sync/Room.ts';
import { roomPersistence } from '../../server/src/sync/roomPersistence.ts';
import { boardRulesHook } from '../../server/src/boards/boardRulesHook.ts';
import { UPLOAD_PHASES, type MemberPart } from './boardGenerate.ts';
import { connectClient, waitUntil, whenSynced, type Endpoint } from './clients.ts';
import type { BenchDatabase } from './servers.ts';

/** The board benchmark's node clients and in-process storage timing. */

export interface RecordCounts {
  people: number;
  goals: number;
  actions: number;
  stages: number;
}

export function countRecords(doc: Y.Doc): RecordCounts {
  return {
    people: doc.getMap(Collection.people).size,
    goals: doc.getMap(Collection.goals).size,
    actions: doc.getMap(Collection.actions).size,
    stages: doc.getMap(Collection.pathwayStages).size,
  };
}

const sameCounts = (a: RecordCounts, b: RecordCounts): boolean =>
  a.people === b.people && a.goals === b.goals && a.actions === b.actions && a.stages === b.stages;

const describe = (c: RecordCounts): string =>
  `${c.people} people, ${c.goals} goals, ${c.actions} actions, ${c.stages} stages`;

/**
 * Connects a fresh client and times it from connecting until its first sync is complete (the
 * server has sent the whole board and the client has applied it). Returns what the client holds.
 */
export async function timeSync(
  endpoint: Endpoint,
  boardId: string,
  timeoutMs: number,
): Promise<{ ms: number; counts: RecordCounts }> {
  const started = performance.now();
  const { doc, provider } = connectClient(endpoint, boardId);
  try {
    await whenSynced(provider, timeoutMs);
    const ms = performance.now() - started;
    return { ms, counts: countRecords(doc) };
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

/**
 * Sends the generated board to the server as its authors would: each member's part from a client
 * signed in as that member (`endpointOf(member index)`), kind by kind (stages, people, goals,
 * actions: each builds on those before it), each kind once a watching client has had every part
 * of the one before from the server. Then waits until a fresh client gets every record.
 */
export async function uploadBoard(
  endpointOf: (member: number) => Endpoint,
  boardId: string,
  parts: readonly MemberPart[],
  expected: RecordCounts,
  timeoutMs: number,
): Promise<{ visibleMs: number }> {
  const senders = parts.map((_, member) => connectClient(endpointOf(member), boardId));
  const watcher = connectClient(endpointOf(0), boardId);
  const everyone = [...senders, watcher];
  try {
    await Promise.all(everyone.map(({ provider }) => whenSynced(provider, timeoutMs)));
    const started = performance.now();
    for (const phase of UPLOAD_PHASES) {
      const sent = parts.flatMap((part, member) => {
        const update = part.phases[phase];
        if (!update) return [];
        const { doc } = senders[member]!;
        Y.applyUpdate(doc, update);
        return [{ part, clock: Y.getState(doc.store, part.clientId) }];
      });
      const passedOn = (s: (typeof sent)[number]) =>
        Y.getState(watcher.doc.store, s.part.clientId) >= s.clock;
      if (!(await waitUntil(() => sent.every(passedOn), timeoutMs))) {
        const missing = sent.filter((s) => !passedOn(s)).map((s) => s.part.member.name);
        throw new Error(
          `the server did not pass on the ${phase} from ${missing.join(', ')} within ${timeoutMs} ms: ` +
            'it refused them or lost them',
        );
      }
    }
    const deadline = started + timeoutMs;
    let last: RecordCounts | null = null;
    while (performance.now() < deadline) {
      const fresh = await timeSync(endpointOf(0), boardId, timeoutMs);
      last = fresh.counts;
      if (sameCounts(last, expected)) return { visibleMs: performance.now() - started };
    }
    throw new Error(
      `the server did not take the board within ${timeoutMs} ms: a fresh client got ` +
        `${last ? describe(last) : 'nothing'}, expected ${describe(expected)}`,
    );
  } finally {
    for (const { doc, provider } of everyone) {
      provider.destroy();
      doc.destroy();
    }
  }
}

/** Throws unless `got` has the `expected` records (or, with `atLeast`, at least as many of each). */
export function checkCounts(got: RecordCounts, expected: RecordCounts, what: string, atLeast = false): void {
  const ok = atLeast
    ? got.people >= expected.people &&
      got.goals >= expected.goals &&
      got.actions >= expected.actions &&
      got.stages >= expected.stages
    : sameCounts(got, expected);
  if (!ok)
    throw new Error(
      `${what}: got ${describe(got)}, expected ${atLeast ? 'at least ' : ''}${describe(expected)}`,
    );
}

export interface StorageLoadTiming {
  stateBytes: number;
  /** `PostgresBoardStorage.load()`: the snapshot and the update log, merged. */
  loadMs: number;
  /** `Y.applyUpdate` of that state into a new document, as a room does on load. */
  applyMs: number;
  /** Reading and validating every record through `BoardDocument`, as the browser does after sync. */
  readMs: number;
  /** `Room.load()` as the server runs it: the load and apply above, then its audit baseline. */
  roomLoadMs: number;
}

/**
 * Times what a room does to load the board, in this process against the bench database (the
 * server must not hold a PGlite folder open meanwhile): `rounds` loads through one connection.
 */
export async function timeStorageLoad(
  db: BenchDatabase,
  boardId: string,
  expected: RecordCounts,
  rounds: number,
): Promise<StorageLoadTiming[]> {
  const log = createLogger('silent');
  const handle = await openDatabase({
    databaseUrl: db.env.DATABASE_URL,
    dataDir: db.env.DATA_DIR ?? null,
    log,
  });
  try {
    const storage = new PostgresBoardStorage(handle.db, loadConfig({}).storage, log);
    const timings: StorageLoadTiming[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      const state = await storage.load(boardId);
      const loaded = performance.now();
      if (!state) throw new Error(`nothing stored for board ${boardId}`);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      const applied = performance.now();
      const board = new BoardDocument(doc);
      const records = [board.readPeople(), board.readGoals(), board.readActions(), board.readPathwayStages()];
      const read = performance.now();
      const invalid = records.flat().filter((r) => !r.ok).length;
      // The remote edits have added actions since the upload.
      checkCounts(countRecords(doc), expected, 'stored board', true);
      if (invalid > 0) throw new Error(`${invalid} stored records failed validation`);
      doc.destroy();
      const room = new Room(boardId, roomPersistence(storage), [boardRulesHook]);
      const roomStarted = performance.now();
      await room.load();
      const roomLoadMs = performance.now() - roomStarted;
      checkCounts(countRecords(room.doc), expected, 'room', true);
      room.awareness.destroy();
      room.doc.destroy();
      timings.push({
        stateBytes: state.byteLength,
        loadMs: loaded - started,
        applyMs: applied - loaded,
        readMs: read - applied,
        roomLoadMs,
      });
    }
    return timings;
  } finally {
    await handle.close();
  }
}
