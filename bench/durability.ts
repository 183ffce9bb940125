/**
 * Durability benchmark: SIGKILL cycles under load. Several signed-in board members (unmodified
 * y-websocket clients, each a different member of the board's team, on one or more boards) edit
 * continuously with valid edits through `BoardDocument`: they add actions with unique titles,
 * change actions' titles and due dates, and type words into people's SBAR notes. Meanwhile
 * Huddle's server is killed with SIGKILL at random moments (seeded) and started again on the same
 * database; the clients reconnect by themselves and hand back what the server lost (sync step 1/2).
 * After the last cycle: the clients settle, the server stops cleanly and starts afresh, and a fresh
 * client per board must hold every edit any client made, and nothing else.
 *
 *   npm run bench:durability -- --clients 10 --boards 2 --rate 20 --cycles 8
 *
 * Flags (or env): --boards (BENCH_BOARDS, 2), --clients (BENCH_CLIENTS, 10; at most one per team
 * member on a board, so 5 a board), --rate (BENCH_RATE, 20 edits/s in total), --cycles
 * (BENCH_CYCLES, 8 kills), --min-up / --max-up (BENCH_MIN_UP / BENCH_MAX_UP, 2 / 10 s: the server
 * runs a random time in between from listening to the kill), --people (BENCH_PEOPLE, 2 a board),
 * --seed (BENCH_SEED, 1: the kill times and the sequence of choices), --recovery-timeout
 * (BENCH_RECOVERY_TIMEOUT, 60 s), --timeout (BENCH_TIMEOUT, 900 s: the whole run), --huddle-root
 * (BENCH_HUDDLE_ROOT; repeatable: the checkouts whose servers are measured, this repo by default),
 * --out (BENCH_OUT). Writes bench/results/durability.json (durability-pglite.json without
 * DATABASE_URL) and exits 1 if any edit was lost or anything else appeared.
 *
 * Everything runs on 127.0.0.1. The clients reach the server through a relay of the bench's own
 * (support/gate.ts), so that they keep one address across restarts and so that, after each restart,
 * a read-only probe sees what the server had stored before any client hands anything back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { machineDescription } from './support/proc.ts';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { BoardDocument, Collection } from '#shared/board/boardDoc';
import { SBAR_PARTS } from '#shared/board/person';
import { runBounded, Cleanup } from './support/cleanup.ts';
import {
  connectClient,
  covers,
  stateVector,
  waitUntil,
  whenSynced,
  type Endpoint,
} from './support/clients.ts';
import {
  EDIT_KINDS,
  EDIT_KIND_LABELS,
  connectEditor,
  makeEdit,
  wordsOf,
  type Edit,
  type EditKind,
  type Editor,
} from './support/editors.ts';
import { ClientGate } from './support/gate.ts';
import { BENCH_MEMBERS, BENCH_VIEWER_EMAIL } from './support/members.ts';
import {
  createBenchDatabase,
  createHuddleBoards,
  huddleCheckouts,
  repoRoot,
  signIn,
  signInMembers,
  spawnHuddle,
  type BenchDatabase,
  type HuddleCheckout,
  type ServerProcess,
} from './support/servers.ts';
import { formatTable } from './support/table.ts';

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function parameters() {
  const { values } = parseArgs({
    options: {
      boards: { type: 'string' },
      clients: { type: 'string' },
      rate: { type: 'string' },
      cycles: { type: 'string' },
      'min-up': { type: 'string' },
      'max-up': { type: 'string' },
      people: { type: 'string' },
      seed: { type: 'string' },
      'recovery-timeout': { type: 'string' },
      timeout: { type: 'string' },
      'huddle-root': { type: 'string', multiple: true },
      out: { type: 'string' },
    },
    strict: true,
  });
  const number = (flag: string, env: string, fallback: number, min: number, whole = false): number => {
    const raw = (values[flag as keyof typeof values] as string | undefined) ?? process.env[env];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || (whole && !Number.isInteger(value)))
      throw new Error(`--${flag} (${env}) must be a ${whole ? 'whole ' : ''}number >= ${min}, got "${raw}"`);
    return value;
  };
  const boards = number('boards', 'BENCH_BOARDS', 2, 1, true);
  const clients = number('clients', 'BENCH_CLIENTS', 10, 1, true);
  if (clients < boards) throw new Error('need at least one client a board');
  if (Math.ceil(clients / boards) > BENCH_MEMBERS.length)
    throw new Error(
      `at most ${BENCH_MEMBERS.length} clients a board (one per team member): ask for more boards`,
    );
  const minUpS = number('min-up', 'BENCH_MIN_UP', 2, 0.1);
  const maxUpS = number('max-up', 'BENCH_MAX_UP', 10, minUpS);
  const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  return {
    boards,
    clients,
    rate: number('rate', 'BENCH_RATE', 20, 0.1),
    cycles: number('cycles', 'BENCH_CYCLES', 8, 1, true),
    minUpS,
    maxUpS,
    people: number('people', 'BENCH_PEOPLE', 2, 1, true),
    seed: number('seed', 'BENCH_SEED', 1, 0, true),
    recoveryTimeoutS: number('recovery-timeout', 'BENCH_RECOVERY_TIMEOUT', 60, 1),
    timeoutS: number('timeout', 'BENCH_TIMEOUT', 900, 10),
    checkouts: huddleCheckouts(values['huddle-root']),
    out: path.resolve(
      values.out ??
        process.env.BENCH_OUT ??
        path.join(
          repoRoot,
          'bench/results',
          database === 'postgres' ? 'durability.json' : 'durability-pglite.json',
        ),
    ),
  };
}
type Parameters = ReturnType<typeof parameters>;

interface CycleResult {
  cycle: number;
  /** How long the server ran, from listening to the kill. */
  upS: number;
  /** Edits made so far when it was killed. */
  editsBeforeKill: number;
  /** How the killed process ended (SIGKILL). */
  killedExit: number | string | null;
  /** Restart until the new process was listening. */
  listeningMs: number;
  /** Edits made before the kill that the restarted server had not stored: the clients handed them back. */
  lackedAtRestart: number;
  /** Edits made while no client could reach a server (from the kill until the relay opened again). */
  editsWhileDown: number;
  /** Restart until every client had synced with the new server; null if it was killed first or timed out. */
  allSyncedMs: number | null;
  /** Restart until the server held every edit made before the kill; null likewise. */
  caughtUpMs: number | null;
  /** Why a figure is missing: killed again first, or the recovery timeout. */
  unfinished: string | null;
}

interface TargetResult {
  label: string;
  checkout: { root: string; commit: string | null; uncommittedChanges: boolean | null };
  database: string;
  /** Set when the run of this checkout stopped early: what happened. */
  failure: string | null;
  cycles: CycleResult[];
  edits: {
    made: Record<EditKind | 'total', number>;
    present: number;
    lost: Record<EditKind | 'total', number>;
    /** A few lost edits, for diagnosis. */
    lostSample: Edit[];
  };
  /** Found after the fresh start but made by no client. */
  unexpected: {
    actions: number;
    words: number;
    /** Yjs items beyond the board as created and what the clients wrote (a change put back, say). */
    items: number;
    /** Records that differ from what the clients hold (either side). */
    differentRecords: number;
    total: number;
  };
  /** Clients whose board differed from the others' on it once everyone had settled. */
  divergedClients: number;
  /** After the last cycle: until every client and the server held the same board. */
  settleMs: number | null;
  final: {
    cleanStopExit: number | string | null;
    startMs: number | null;
    freshClientSyncMs: number | null;
  };
  /** Close codes clients got, with counts (1006: the connection dropped, as on a kill). */
  closeCodes: Record<string, number>;
  /** Changes the server told a client it did not keep (every bench edit is valid: none should be). */
  refusals: { count: number; sample: string[] };
  editErrors: { count: number; first: string | null };
  serverProblems: { lines: number; sample: string[] };
}

type StateVector = Map<number, number>;

function unionOf(vectors: StateVector[]): StateVector {
  const union = new Map<number, number>();
  for (const vector of vectors)
    for (const [client, clock] of vector) union.set(client, Math.max(clock, union.get(client) ?? 0));
  return union;
}

const sameVector = (a: StateVector, b: StateVector): boolean => covers(a, b) && covers(b, a);

/** A board's records as plain values, for comparing two copies. */
function recordsOf(doc: Y.Doc): Map<string, string> {
  const records = new Map<string, string>();
  for (const collection of Object.values(Collection)) {
    doc.getMap(collection).forEach((value, id) => {
      const plain = value instanceof Y.AbstractType ? (value.toJSON() as unknown) : value;
      records.set(`${collection}/${id}`, JSON.stringify(plain));
    });
  }
  return records;
}

function differentRecords(a: Map<string, string>, b: Map<string, string>): number {
  let different = 0;
  for (const [key, value] of a) if (b.get(key) !== value) different++;
  for (const key of b.keys()) if (!a.has(key)) different++;
  return different;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const ms = (value: number): number => Math.round(value);

/** What a read-only probe connected straight to the server sees of each board. */
interface Probes {
  clients: { doc: Y.Doc; provider: WebsocketProvider }[];
  destroy(): void;
}

async function probe(endpoint: Endpoint, rooms: string[], timeoutMs: number): Promise<Probes> {
  const clients = rooms.map((room) => connectClient(endpoint, room));
  const destroy = (): void => {
    for (const { doc, provider } of clients) {
      provider.destroy();
      doc.destroy();
    }
  };
  try {
    await Promise.all(clients.map(({ provider }) => whenSynced(provider, timeoutMs)));
  } catch (error) {
    destroy();
    throw error;
  }
  return { clients, destroy };
}

/** Verifies the fresh client's copies against every edit and against what the clients held. */
function verify(
  edits: Edit[],
  fresh: Y.Doc[],
  expected: { vector: StateVector; records: Map<string, string> }[],
): Pick<TargetResult, 'edits' | 'unexpected'> {
  const made = Object.fromEntries([...EDIT_KINDS, 'total'].map((k) => [k, 0])) as Record<
    EditKind | 'total',
    number
  >;
  const lost = { ...made };
  const lostSample: Edit[] = [];
  const vectors = fresh.map(stateVector);
  const boards = fresh.map((doc) => new BoardDocument(doc));
  const actions = boards.map((board) => new Map(board.readActions().map((read) => [read.id, read])));
  // Every word in every SBAR part, per board: `${personId}/${field}` -> word -> how often.
  const words = fresh.map((doc) => {
    const found = new Map<string, Map<string, number>>();
    doc.getMap(Collection.people).forEach((person, personId) => {
      if (!(person instanceof Y.Map)) return;
      for (const { field } of SBAR_PARTS) {
        const value = person.get(field);
        const counts = new Map<string, number>();
        for (const word of wordsOf(value instanceof Y.Text ? value.toString() : String(value ?? '')))
          counts.set(word, (counts.get(word) ?? 0) + 1);
        found.set(`${personId}/${field}`, counts);
      }
    });
    return found;
  });
  let present = 0;
  for (const edit of edits) {
    made[edit.kind]++;
    made.total++;
    const stored = (vectors[edit.board]!.get(edit.clientId) ?? 0) >= edit.clock;
    const action = actions[edit.board]!.get(edit.recordId);
    const shown =
      edit.kind === 'add'
        ? action?.ok === true
        : edit.kind === 'sbar'
          ? (words[edit.board]!.get(`${edit.recordId}/${edit.field}`)?.get(edit.word!) ?? 0) > 0
          : action !== undefined;
    if (stored && shown) {
      present++;
    } else {
      lost[edit.kind]++;
      lost.total++;
      if (lostSample.length < 10) lostSample.push(edit);
    }
  }

  // Nothing else: no action nobody added, no word nobody typed (nor typed twice), no Yjs items
  // beyond the clients' own documents, and every record as the clients hold it.
  const added = new Set(edits.filter((e) => e.kind === 'add').map((e) => `${e.board}/${e.recordId}`));
  const typed = new Set(
    edits.filter((e) => e.kind === 'sbar').map((e) => `${e.board}/${e.recordId}/${e.field}/${e.word}`),
  );
  let unexpectedActions = 0;
  let unexpectedWords = 0;
  let items = 0;
  let different = 0;
  fresh.forEach((doc, board) => {
    for (const id of actions[board]!.keys()) if (!added.has(`${board}/${id}`)) unexpectedActions++;
    for (const [place, counts] of words[board]!) {
      for (const [word, count] of counts) {
        unexpectedWords += typed.has(`${board}/${place}/${word}`) ? count - 1 : count;
      }
    }
    for (const [client, clock] of vectors[board]!) {
      items += Math.max(0, clock - (expected[board]!.vector.get(client) ?? 0));
    }
    different += differentRecords(recordsOf(doc), expected[board]!.records);
  });
  return {
    edits: { made, present, lost, lostSample },
    unexpected: {
      actions: unexpectedActions,
      words: unexpectedWords,
      items,
      differentRecords: different,
      total: unexpectedActions + unexpectedWords + items + different,
    },
  };
}

/** The whole run against one checkout's server: set-up, the kill cycles, the final check. */
async function runTarget(
  checkout: HuddleCheckout,
  params: Parameters,
  cleanup: Cleanup,
): Promise<TargetResult> {
  const db: BenchDatabase = await createBenchDatabase();
  cleanup.add('database', () => db.drop());
  log(
    `${checkout.label} (${db.description}${checkout.root === repoRoot ? '' : `, server from ${checkout.root}`})`,
  );
  const gate = await ClientGate.listen();
  cleanup.add('client relay', () => gate.close());
  // Every process this run started, for the lines they logged at warn or above.
  const spawned: ServerProcess[] = [];
  const start = async (): Promise<ServerProcess> => {
    const started = await spawnHuddle(db, {}, checkout.root);
    spawned.push(started);
    return started;
  };
  let server = await start();
  cleanup.add('server', () => server.stop());

  const result: TargetResult = {
    label: checkout.label,
    checkout: {
      root: checkout.root,
      commit: checkout.commit,
      uncommittedChanges: checkout.uncommittedChanges,
    },
    database: db.kind,
    failure: null,
    cycles: [],
    edits: {
      made: { add: 0, title: 0, dueDate: 0, sbar: 0, total: 0 },
      present: 0,
      lost: { add: 0, title: 0, dueDate: 0, sbar: 0, total: 0 },
      lostSample: [],
    },
    unexpected: { actions: 0, words: 0, items: 0, differentRecords: 0, total: 0 },
    divergedClients: 0,
    settleMs: null,
    final: { cleanStopExit: null, startMs: null, freshClientSyncMs: null },
    closeCodes: {},
    refusals: { count: 0, sample: [] },
    editErrors: { count: 0, first: null },
    serverProblems: { lines: 0, sample: [] },
  };
  const recoveryMs = params.recoveryTimeoutS * 1000;
  const editors: Editor[] = [];
  let probes: Probes | null = null;
  let ticker: NodeJS.Timeout | undefined;
  // What the server told each client: how its connections closed, and changes it did not keep.
  const tally = (editor: Editor): void => {
    for (const [code, count] of editor.closeCodes)
      result.closeCodes[String(code)] = (result.closeCodes[String(code)] ?? 0) + count;
    result.refusals.count += editor.refusals.count;
    const room = Math.max(0, 5 - result.refusals.sample.length);
    result.refusals.sample.push(...editor.refusals.sample.slice(0, room));
  };
  cleanup.add('clients', async () => {
    clearInterval(ticker);
    probes?.destroy();
    for (const editor of editors) {
      tally(editor);
      editor.provider.destroy();
      editor.doc.destroy();
    }
  });
  const edits: Edit[] = [];

  try {
    const { rooms } = await createHuddleBoards(server.port, params.boards);
    const cookies = await signInMembers(server.port);
    const viewer = await signIn(server.port, BENCH_VIEWER_EMAIL);
    const direct = (): Endpoint => ({ wsUrl: `ws://127.0.0.1:${server.port}/yjs`, cookie: viewer });
    gate.setTarget(server.port);

    // Client i is on board i % boards, signed in as the team's members in turn.
    process.setMaxListeners(Math.max(process.getMaxListeners(), params.clients * 2 + 20));
    for (let i = 0; i < params.clients; i++) {
      const boardIndex = i % params.boards;
      const memberIndex = Math.floor(i / params.boards);
      const endpoint = { wsUrl: `ws://127.0.0.1:${gate.port}/yjs`, cookie: cookies[memberIndex]! };
      editors.push(connectEditor(endpoint, rooms[boardIndex]!, i, boardIndex, BENCH_MEMBERS[memberIndex]!));
    }
    await Promise.all(editors.map((e) => whenSynced(e.provider, recoveryMs)));
    // What each board held before anyone edited it (the server wrote it when the board was created).
    const baselines = rooms.map((_, b) => stateVector(editors.find((e) => e.boardIndex === b)!.doc));
    // The board's first client adds its people, as whoever starts the board would.
    const personIds = Array.from({ length: params.people }, (_, k) => `bench-person-${k + 1}`);
    for (const editor of editors.slice(0, params.boards)) {
      personIds.forEach((id, k) =>
        editor.board.addPerson(
          { name: `Person ${k + 1} on bench board ${editor.boardIndex + 1}` },
          { by: editor.member.actor, id },
        ),
      );
    }
    const everyoneHasPeople = () =>
      editors.every((e) => personIds.every((id) => e.doc.getMap(Collection.people).has(id)));
    if (!(await waitUntil(everyoneHasPeople, recoveryMs)))
      throw new Error(
        'not every client saw its board’s people: the server refused them or did not pass them on',
      );
    const members = BENCH_MEMBERS.slice(0, Math.ceil(params.clients / params.boards));
    log(
      `  ${params.clients} clients on ${params.boards} boards (${members.map((m) => m.name).join(', ')}), ` +
        `${params.people} people a board; editing at ${params.rate} edits/s`,
    );

    // Edits, at `rate` a second in total, whether or not the server is up.
    const editGen = prng.create(params.seed);
    const killGen = prng.create(params.seed + 1_000_003);
    const editStart = performance.now();
    let attempts = 0;
    ticker = setInterval(() => {
      const due = Math.floor(((performance.now() - editStart) * params.rate) / 1000);
      while (attempts < due) {
        attempts++;
        const editor = editors[prng.int32(editGen, 0, editors.length - 1)]!;
        try {
          const edit = makeEdit(editor, editGen, members, personIds);
          if (edit) edits.push(edit);
        } catch (error) {
          result.editErrors.count++;
          result.editErrors.first ??= error instanceof Error ? error.message : String(error);
        }
      }
    }, 5);

    let listeningAt = performance.now();
    let recovery: Promise<void> = Promise.resolve();
    let killed = false;
    for (let cycle = 1; cycle <= params.cycles; cycle++) {
      const upS = params.minUpS + prng.real53(killGen) * (params.maxUpS - params.minUpS);
      await delay(Math.max(0, listeningAt + upS * 1000 - performance.now()));

      // Kill: what every client holds now is what the server must end up with.
      const killVectors = rooms.map((_, b) =>
        unionOf(editors.filter((e) => e.boardIndex === b).map((e) => stateVector(e.doc))),
      );
      const editsBeforeKill = edits.length;
      gate.setTarget(null);
      probes?.destroy();
      probes = null;
      killed = true;
      server.child.kill('SIGKILL');
      const killedExit = await server.exited;
      await recovery;

      const restartAt = performance.now();
      server = await start();
      listeningAt = performance.now();
      const listeningMs = listeningAt - restartAt;
      killed = false;
      // What the restarted server holds before any client can hand anything back.
      probes = await probe(direct(), rooms, recoveryMs);
      const stored = probes.clients.map(({ doc }) => stateVector(doc));
      const lackedAtRestart = edits
        .slice(0, editsBeforeKill)
        .filter((e) => (stored[e.board]!.get(e.clientId) ?? 0) < e.clock).length;
      const editsWhileDown = edits.length - editsBeforeKill;
      const gateOpenAt = performance.now();
      gate.setTarget(server.port);

      const figures: CycleResult = {
        cycle,
        upS: Number(upS.toFixed(2)),
        editsBeforeKill,
        killedExit,
        listeningMs: ms(listeningMs),
        lackedAtRestart,
        editsWhileDown,
        allSyncedMs: null,
        caughtUpMs: null,
        unfinished: null,
      };
      result.cycles.push(figures);
      const watching = probes;
      recovery = (async () => {
        const deadline = restartAt + recoveryMs;
        while (figures.allSyncedMs === null || figures.caughtUpMs === null) {
          const now = performance.now();
          if (killed) {
            figures.unfinished = 'killed again first';
            return;
          }
          if (now > deadline) {
            figures.unfinished = `not within ${params.recoveryTimeoutS} s`;
            return;
          }
          if (figures.allSyncedMs === null && editors.every((e) => e.syncedAt > gateOpenAt))
            figures.allSyncedMs = ms(now - restartAt);
          if (
            figures.caughtUpMs === null &&
            watching.clients.every(({ doc }, b) => covers(stateVector(doc), killVectors[b]!))
          )
            figures.caughtUpMs = ms(now - restartAt);
          await delay(10);
        }
      })();
      void recovery.then(() =>
        log(
          `  cycle ${cycle}: killed after ${upS.toFixed(1)} s up (${editsBeforeKill} edits so far); listening in ` +
            `${ms(listeningMs)} ms; it lacked ${lackedAtRestart} edits; every client synced at ` +
            `${figures.allSyncedMs ?? '-'} ms, the server had every edit at ${figures.caughtUpMs ?? '-'} ms` +
            (figures.unfinished ? ` (${figures.unfinished})` : ''),
        ),
      );
    }
    await recovery;

    // Settle: no more edits; every client and the server come to hold the same board.
    clearInterval(ticker);
    const settleStart = performance.now();
    const boardsOf = rooms.map((_, b) => editors.filter((e) => e.boardIndex === b));
    const settled = (): boolean =>
      editors.every((e) => e.provider.wsconnected && e.provider.synced) &&
      boardsOf.every((group, b) => {
        const vector = stateVector(group[0]!.doc);
        return (
          group.every((e) => sameVector(stateVector(e.doc), vector)) &&
          covers(stateVector(probes!.clients[b]!.doc), vector)
        );
      });
    if (await waitUntil(settled, recoveryMs)) result.settleMs = ms(performance.now() - settleStart);
    else
      log(
        `  the clients and the server did not come to hold the same boards within ${params.recoveryTimeoutS} s`,
      );
    // Only the board as created and what the clients wrote themselves: an item under any other
    // Yjs client id (say, the server putting back a change it refused) was made by no client.
    const expected = boardsOf.map((group, b) => ({
      vector: unionOf([
        baselines[b]!,
        new Map(group.map((e) => [e.doc.clientID, Y.getState(e.doc.store, e.doc.clientID)])),
      ]),
      records: recordsOf(group[0]!.doc),
    }));
    result.divergedClients = editors.filter(
      (e) => differentRecords(recordsOf(e.doc), expected[e.boardIndex]!.records) > 0,
    ).length;
    for (const editor of editors) {
      tally(editor);
      editor.provider.destroy();
      editor.doc.destroy();
    }
    editors.length = 0;
    probes?.destroy();
    probes = null;

    // A clean stop, a fresh start, a fresh client per board.
    gate.setTarget(null);
    result.final.cleanStopExit = await server.stop();
    const startAt = performance.now();
    server = await start();
    result.final.startMs = ms(performance.now() - startAt);
    const syncAt = performance.now();
    const fresh = await probe(direct(), rooms, recoveryMs);
    result.final.freshClientSyncMs = ms(performance.now() - syncAt);
    Object.assign(
      result,
      verify(
        edits,
        fresh.clients.map(({ doc }) => doc),
        expected,
      ),
    );
    fresh.destroy();
    await server.stop();
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
    log(`  ${checkout.label}: ${result.failure}`);
    // What was made still counts as made, and as not shown to be kept.
    for (const edit of edits) {
      result.edits.made[edit.kind]++;
      result.edits.made.total++;
    }
    result.edits.lost = { ...result.edits.made };
  } finally {
    clearInterval(ticker);
    await cleanup.run();
    const problems = spawned.flatMap((p) => p.problems);
    result.serverProblems = { lines: problems.length, sample: problems.slice(0, 5) };
  }
  return result;
}

function summaryTable(results: TargetResult[]): string {
  const stat = (values: (number | null)[]): string => {
    const got = values.filter((v): v is number => v !== null);
    if (got.length === 0) return '-';
    return `${ms(median(got)!)} (${Math.max(...got)})`;
  };
  const rows: [string, (r: TargetResult) => string | number][] = [
    ['database', (r) => r.database],
    ['SIGKILL cycles', (r) => r.cycles.length],
    ['edits made', (r) => r.edits.made.total],
    ...EDIT_KINDS.map(
      (kind) =>
        [`  ${EDIT_KIND_LABELS[kind]}`, (r: TargetResult) => r.edits.made[kind]] as [
          string,
          (r: TargetResult) => number,
        ],
    ),
    ['edits present after a clean restart', (r) => r.edits.present],
    ['edits lost', (r) => r.edits.lost.total],
    ['found but made by no client', (r) => r.unexpected.total],
    ['clients that differed once settled', (r) => r.divergedClients],
    ['edits the restarted server lacked, summed', (r) => r.cycles.reduce((s, c) => s + c.lackedAtRestart, 0)],
    ['edits made while the server was down', (r) => r.cycles.reduce((s, c) => s + c.editsWhileDown, 0)],
    ['restart to listening, ms: median (max)', (r) => stat(r.cycles.map((c) => c.listeningMs))],
    ['restart to every client synced again', (r) => stat(r.cycles.map((c) => c.allSyncedMs))],
    ['restart to the server holding every edit', (r) => stat(r.cycles.map((c) => c.caughtUpMs))],
    [
      'cycles recovered before the next kill',
      (r) => `${r.cycles.filter((c) => !c.unfinished).length} of ${r.cycles.length}`,
    ],
    ['settled after the last cycle (ms)', (r) => r.settleMs ?? '-'],
    ['clean stop exit code', (r) => String(r.final.cleanStopExit)],
    ['fresh start to listening (ms)', (r) => r.final.startMs ?? '-'],
    ['changes the server refused', (r) => r.refusals.count],
    [
      'connections closed (close code × times)',
      (r) =>
        Object.entries(r.closeCodes)
          .map(([code, n]) => `${code}×${n}`)
          .join(' ') || '-',
    ],
    ['server warn/error lines', (r) => r.serverProblems.lines],
    ['edits that threw in the client', (r) => r.editErrors.count],
  ];
  return formatTable(
    ['', ...results.map((r) => r.label)],
    rows.map(([label, get]) => [label, ...results.map((r) => String(get(r)))]),
  );
}

function cycleTable(result: TargetResult): string {
  return formatTable(
    [
      'cycle',
      'up (s)',
      'edits so far',
      'lacked',
      'made while down',
      'listening',
      'all synced',
      'server has all',
      'note',
    ],
    result.cycles.map((c) => [
      String(c.cycle),
      c.upS.toFixed(1),
      String(c.editsBeforeKill),
      String(c.lackedAtRestart),
      String(c.editsWhileDown),
      String(c.listeningMs),
      String(c.allSyncedMs ?? '-'),
      String(c.caughtUpMs ?? '-'),
      c.unfinished ?? '-',
    ]),
    ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
}

async function main(): Promise<number> {
  const params = parameters();
  const started = new Date();
  log(
    `durability bench: ${params.clients} clients on ${params.boards} boards at ${params.rate} edits/s, ` +
      `${params.cycles} SIGKILL cycles (${params.minUpS}-${params.maxUpS} s up, seed ${params.seed}); ` +
      params.checkouts.map((c) => c.label).join(', '),
  );
  const results = await runBounded(async (cleanup) => {
    const done: TargetResult[] = [];
    for (const checkout of params.checkouts) {
      const own = new Cleanup();
      cleanup.add(checkout.label, () => own.run());
      done.push(await runTarget(checkout, params, own));
    }
    return done;
  }, params.timeoutS);

  process.stdout.write(`\n${summaryTable(results)}\n`);
  for (const result of results) {
    process.stdout.write(`\n${result.label}, each cycle (ms from the restart)\n${cycleTable(result)}\n`);
    if (result.failure) process.stdout.write(`stopped early: ${result.failure}\n`);
  }
  process.stdout.write('\n');

  const report = {
    benchmark: 'durability',
    startedAt: started.toISOString(),
    durationS: Number(((Date.now() - started.getTime()) / 1000).toFixed(1)),
    parameters: {
      ...params,
      checkouts: undefined,
      servers: params.checkouts.map((c) => c.label),
      out: path.relative(repoRoot, params.out),
    },
    machine: machineDescription(),
    notes:
      'An edit is present when the fresh client’s document has reached the Yjs clock the edit wrote (so it was ' +
      'stored, even if a later edit overwrote its value) and its effect is there: the action it added, the action it ' +
      'changed, the word it typed. "Found but made by no client": actions nobody added, words nobody typed (or typed ' +
      'once and found twice), Yjs items beyond the board as created and what the clients wrote themselves (such as a ' +
      'change the server put back), records that differ from what the clients held ' +
      'once settled. "Lacked": edits made before the kill that a read-only probe, connected straight to the restarted ' +
      'server before the clients could reach it, did not get; the clients handed these back. Recovery figures are from ' +
      'the restart (spawning the process); the clients reconnect with y-websocket’s own back-off, through a relay ' +
      'that refuses them while the server is down. A figure is missing when the next kill came first.',
    results,
  };
  mkdirSync(path.dirname(params.out), { recursive: true });
  writeFileSync(params.out, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), params.out)}`);

  const bad = results.filter(
    (r) => r.failure !== null || r.edits.lost.total > 0 || r.unexpected.total > 0 || r.divergedClients > 0,
  );
  if (bad.length > 0) {
    for (const r of bad)
      log(
        `${r.label}: ${r.edits.lost.total} edits lost, ${r.unexpected.total} things found that no client made` +
          (r.failure ? `; stopped early: ${r.failure}` : ''),
      );
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
