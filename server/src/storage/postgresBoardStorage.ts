import { setTimeout as delay } from 'node:timers/promises';
import * as Y from 'yjs';
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import { describeDatabaseError, errorCode, isTransientDatabaseError } from '../db/errors.ts';
import type { Database, NewAuditEvent, NewNotification } from '../db/schema.ts';
import { insertJsonRows, jsonRowsInsert, timestampText, type JsonRow } from '../db/jsonRows.ts';
import type { Logger } from '../log.ts';
import type { StorageConfig } from '../config.ts';
import { storable, storableKey, storableText } from '../db/storable.ts';
import { ProjectionBatch } from '../projection/projectionBatch.ts';
import {
  markProjectionBehind,
  upsertStatement,
  upsertsOnly,
  writeProjections,
} from '../projection/projectionTables.ts';
import { isEmptyUpdate, type NotificationNote } from '../sync/boardChange.ts';
import { saveAutomaticIfDue } from '../versions/boardVersions.ts';
import type { AuditedChange, BoardChange, BoardStorage, ClientBinding } from './BoardStorage.ts';

/**
 * One board's updates in one batch. Every append to it shares one promise (not one per update):
 * group commit makes them durable together, and a busy board costs no allocation per update.
 */
interface PendingBoard {
  updates: Uint8Array[];
  audit: AuditRow[];
  clients: ClientBinding[];
  /** What the updates do to the board's projection, as the last of them leaves each record. */
  projection: ProjectionBatch;
  /** Whom they tell. */
  notifications: NotificationNote[];
  /** Appends gathered here (several updates may have been merged into one). */
  count: number;
  /** When the oldest of them arrived (ms since the epoch). */
  since: number;
  written: Promise<void>;
  resolve: (value: void | Promise<void>) => void;
  reject: (error: Error) => void;
}

/** A board whose own changes the database refused: kept here and tried again on their own. */
interface RefusedBoard {
  attempts: number;
  retryAt: number;
  since: number;
}

/** How storage stands: what has been appended and is not stored yet. */
export interface StorageBacklog {
  /** Appends not yet stored: waiting for the next write, being written, or refused. */
  pendingUpdates: number;
  /** When the oldest of them arrived (ms since the epoch); null when everything is stored. */
  oldestPendingAt: number | null;
  /** Per board with changes not stored yet: when the oldest of them arrived. */
  boards: ReadonlyMap<string, number>;
  /** Boards whose changes the database refuses; they are kept in memory and tried again. */
  refusedBoards: readonly string[];
}

function pendingBoard(now: number): PendingBoard {
  let resolve!: PendingBoard['resolve'];
  let reject!: PendingBoard['reject'];
  const written = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A refusal is logged here; callers that do not wait for durability must not see it as unhandled.
  written.catch(() => undefined);
  return {
    updates: [],
    audit: [],
    clients: [],
    projection: new ProjectionBatch(),
    notifications: [],
    count: 0,
    since: now,
    written,
    resolve,
    reject,
  };
}

/** Adds `later` (appended after `earlier`) to `earlier`, in order; `later`'s callers wait for `earlier`. */
function absorb(earlier: PendingBoard, later: PendingBoard): void {
  earlier.updates.push(...later.updates);
  earlier.audit.push(...later.audit);
  earlier.clients.push(...later.clients);
  earlier.projection.absorb(later.projection);
  earlier.notifications.push(...later.notifications);
  earlier.count += later.count;
  earlier.since = Math.min(earlier.since, later.since);
  later.resolve(earlier.written);
}

const MAX_RETRY_DELAY_MS = 5_000;
/** Group writes that fail "for now" this many times in a row are tried board by board. */
const ALONE_AFTER_TRANSIENT = 3;
/** The longest pause before a refused board's changes are tried again. */
const MAX_REFUSED_RETRY_DELAY_MS = 60_000;
/** Updates gathered for one board beyond this are merged into one (a long outage stays bounded). */
const MERGE_AT = 256;
const DELETE_CHUNK = 5_000;
/** Rows per audit insert (one parameter, their JSON): a long outage's backlog goes in pieces. */
const AUDIT_CHUNK = 2_000;
const CLIENTS_CHUNK = 10_000;
/**
 * A batch written as one statement has at most this many rows (an update row is two parameters,
 * well inside Postgres's 65,535; the other rows go as JSON).
 */
const ONE_STATEMENT_ROWS = 10_000;

/**
 * Statements run as one (their texts, numbering one list of parameters): all but the last as
 * data-modifying `with` queries. Written as text rather than built with kysely: compiling the
 * statement took as long as the rows it wrote.
 */
function inOneStatement(statements: readonly string[]): string {
  const last = statements.at(-1)!;
  if (statements.length === 1) return last;
  return `with ${statements
    .slice(0, -1)
    .map((statement, i) => `w${i} as (${statement})`)
    .join(', ')} ${last}`;
}

/** The text inserting update rows, their values added to `parameters`. */
function updatesInsert(
  rows: readonly { board_id: string; update: Uint8Array }[],
  parameters: unknown[],
): string {
  const values = rows.map((row) => `($${parameters.push(row.board_id)}, $${parameters.push(row.update)})`);
  return `insert into board_updates (board_id, "update") values ${values.join(', ')}`;
}

const CLIENT_COLUMNS = ['board_id', 'client_id', 'user_id'];
/** A client id bound meanwhile (by another server instance) keeps its first user. */
const CLIENTS_CONFLICT = 'on conflict (board_id, client_id) do nothing';
type ClientRow = { board_id: string; client_id: number; user_id: string };
const insertClients = (rows: ClientRow[]) =>
  insertJsonRows('board_clients', CLIENT_COLUMNS, rows, CLIENTS_CONFLICT);
/** Longest text kept in an audit row's name columns (record type, record id, field). */
const AUDIT_NAME_MAX = 200;
function storableName(value: string | null): string | null {
  return value === null ? null : storableText(value).slice(0, AUDIT_NAME_MAX);
}

/** An audit trail row as the group commit writes it (`insertJsonRows`): jsonb columns as their values. */
type AuditRow = JsonRow & {
  at: string;
  user_id: string | null;
  record_type: string | null;
  record_id: string | null;
  field: string | null;
};

const AUDIT_COLUMNS = [
  'at',
  'event',
  'board_id',
  'user_id',
  'user_name',
  'record_type',
  'record_id',
  'field',
  'before',
  'after',
  'burst',
  'splice',
];

/** An audit trail row for the database. */
function auditRow(boardId: string, change: AuditedChange): AuditRow {
  return {
    at: timestampText(change.at),
    event: 'change',
    board_id: boardId,
    user_id: change.user?.id ?? null,
    user_name: change.user ? storableText(change.user.name) : null,
    record_type: storableName(change.recordType),
    record_id: storableName(change.recordId),
    field: storableName(change.field),
    before: change.before === null ? null : storable(change.before),
    after: change.after === null ? null : storable(change.after),
    burst: change.burst ?? null,
    splice: change.splice ? storable({ ...change.splice }) : null,
  };
}

/**
 * The update rows for one board's pending changes (one merged row when they merge; none when they
 * change nothing in the document, a projection caught up or client ids bound).
 */
function updateRows(boardId: string, entry: PendingBoard): { board_id: string; update: Uint8Array }[] {
  const updates = entry.updates.filter((update) => !isEmptyUpdate(update));
  if (updates.length === 0) return [];
  if (updates.length === 1) return [{ board_id: boardId, update: updates[0]! }];
  try {
    return [{ board_id: boardId, update: Y.mergeUpdates(updates) }];
  } catch {
    // Updates that do not merge are still stored, each as it came.
    return updates.map((update) => ({ board_id: boardId, update }));
  }
}

/** Thrown inside a board's own write when the database refuses its updates themselves. */
class UpdateRefused extends Error {
  override readonly name = 'UpdateRefused';
  constructor(override readonly cause: unknown) {
    super(describeDatabaseError(cause));
  }
}

type Outcome = 'written' | 'refused' | 'unreachable';

/** What a board's stored changes did beyond its document, for those who follow it. */
export interface StoredNotes {
  projection: ProjectionBatch;
  /** Users who were sent a notification. */
  notified: ReadonlySet<string>;
}

/** A notification row for the database. */
function notificationRow(boardId: string, note: NotificationNote): NewNotification {
  return {
    user_id: note.userId,
    kind: note.kind,
    board_id: boardId,
    record_type: note.recordType,
    record_id: storableKey(note.recordId),
    person_id: note.personId === null ? null : storableKey(note.personId),
    actor_id: note.actor?.id ?? null,
    actor_name: note.actor ? storableText(note.actor.name).slice(0, 200) : null,
    subject: note.subject === null ? null : storableText(note.subject).slice(0, 500),
  };
}

/** Inserts notifications for users who exist (a client can name anyone as an action's owner). */
async function insertNotifications(trx: Transaction<Database>, rows: NewNotification[]): Promise<void> {
  const named = [...new Set(rows.map((row) => row.user_id))];
  const existing = new Set(
    (await trx.selectFrom('users').select('id').where('id', 'in', named).execute()).map((u) => u.id),
  );
  const kept = rows.filter((row) => existing.has(row.user_id));
  for (let i = 0; i < kept.length; i += AUDIT_CHUNK)
    await trx
      .insertInto('notifications')
      .values(kept.slice(i, i + AUDIT_CHUNK))
      .execute();
}

/** A board's stored document, as its snapshot and the updates logged since, in order. */
export async function storedBoard(
  db: Kysely<Database>,
  boardId: string,
): Promise<{ parts: Uint8Array[]; logRows: number }> {
  const [snapshot, updates] = await Promise.all([
    db.selectFrom('board_snapshots').select('state').where('board_id', '=', boardId).executeTakeFirst(),
    db.selectFrom('board_updates').select('update').where('board_id', '=', boardId).orderBy('id').execute(),
  ]);
  return {
    parts: [...(snapshot ? [snapshot.state] : []), ...updates.map((row) => row.update)],
    logRows: updates.length,
  };
}

/**
 * Board storage in the `board_updates` log and `board_snapshots`, through kysely.
 *
 * Appends are group-committed: updates that arrive within `flushIntervalMs` of each other are
 * merged per board and written, with their audit rows, client bindings and projection rows, in
 * one transaction, while the next batch gathers behind it.
 *
 * - When the database cannot be reached (or times out), the batch stays queued and is retried with
 *   a growing pause; nothing is dropped.
 * - When it refuses the batch (bad data, a broken constraint), each board is written on its own,
 *   so one board's refused rows never hold back another's. On its own, a board's audit rows and
 *   client bindings are written behind savepoints: rows the database still refuses are left out,
 *   logged as errors and replaced by one marker row in the trail, and the update itself is kept.
 *   Projection rows it refuses leave the board's projection marked as behind, to be caught up.
 * - An update the database refuses itself stays in memory and is tried again on its own (up to a
 *   minute apart); the board counts as refused in `backlog()` until it is stored. Only an update
 *   for a board that no longer exists is dropped (logged, and its promise rejects).
 */
export class PostgresBoardStorage implements BoardStorage {
  /**
   * Changes waiting for the next write. Replaced by a new map at each write rather than emptied
   * board by board: a long-lived map from which entries are deleted while changes keep coming left
   * the batches it had held to be copied into the old generation (measured: 1.7 MB at each
   * young-generation collection against 0.9 with a new map; README, "Sync"), and the collections'
   * pauses are the sync tail.
   */
  #pending = new Map<string, PendingBoard>();
  /** The batch being written now; boards leave it as they are written. */
  #inFlightBatch: Map<string, PendingBoard> | null = null;
  #refused = new Map<string, RefusedBoard>();
  #timer: NodeJS.Timeout | null = null;
  #timerDue = 0;
  #inFlight: Promise<void> | null = null;
  #retryDelayMs = 0;
  /** Group writes that failed "for now" since the last write that succeeded. */
  #transientInARow = 0;
  /** Since when writes have failed because the database could not be reached. */
  #unreachableSince: number | null = null;
  #closed = false;
  /** Rows in each loaded board's log, to trigger compaction past the threshold. */
  #logRows = new Map<string, number>();
  #compacting = new Map<string, Promise<void>>();
  readonly #stored: ((boardId: string, stored: StoredNotes) => void)[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: StorageConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async load(boardId: string): Promise<Uint8Array | null> {
    const { state, logRows } = await this.#whole(boardId);
    this.#logRows.set(boardId, logRows);
    return state;
  }

  /** The board's whole state now, stored and not stored yet (for a version), without loading it. */
  async current(boardId: string): Promise<Uint8Array | null> {
    return (await this.#whole(boardId)).state;
  }

  async #whole(boardId: string): Promise<{ state: Uint8Array | null; logRows: number }> {
    const stored = await storedBoard(this.db, boardId);
    // Changes this server holds and has not stored yet (a refused board's) belong to the board too:
    // a board unloaded meanwhile and opened again must not lose them. Yjs updates apply only once.
    const unstored = [this.#inFlightBatch?.get(boardId), this.#pending.get(boardId)].flatMap(
      (entry) => entry?.updates ?? [],
    );
    const parts = [...stored.parts, ...unstored];
    if (parts.length === 0) return { state: null, logRows: stored.logRows };
    return { state: parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts), logRows: stored.logRows };
  }

  async loadClients(boardId: string): Promise<Map<number, string>> {
    const rows = await this.db
      .selectFrom('board_clients')
      .select(['client_id', 'user_id'])
      .where('board_id', '=', boardId)
      .execute();
    return new Map(rows.map((row) => [Number(row.client_id), row.user_id]));
  }

  async bindClients(boardId: string, bindings: readonly ClientBinding[]): Promise<ClientBinding[]> {
    const taken: ClientBinding[] = [];
    for (let i = 0; i < bindings.length; i += CLIENTS_CHUNK) {
      const chunk = bindings.slice(i, i + CLIENTS_CHUNK);
      const inserted = await this.db
        .insertInto('board_clients')
        .values(chunk.map((b) => ({ board_id: boardId, client_id: b.clientId, user_id: b.userId })))
        .onConflict((oc) => oc.columns(['board_id', 'client_id']).doNothing())
        .returning('client_id')
        .execute();
      if (inserted.length === chunk.length) continue;
      // Ids bound before: to the same user (nothing to say), or first to someone else.
      const asked = new Map(chunk.map((b) => [b.clientId, b.userId]));
      const held = await this.db
        .selectFrom('board_clients')
        .select(['client_id', 'user_id'])
        .where('board_id', '=', boardId)
        .where('client_id', 'in', [...asked.keys()].map(String))
        .execute();
      for (const row of held) {
        const clientId = Number(row.client_id);
        if (asked.get(clientId) !== row.user_id) taken.push({ clientId, userId: row.user_id });
      }
    }
    return taken;
  }

  append(boardId: string, change: BoardChange): Promise<void> {
    let entry = this.#pending.get(boardId);
    if (!entry) {
      entry = pendingBoard(this.now());
      this.#pending.set(boardId, entry);
    }
    entry.updates.push(change.update);
    if (entry.updates.length >= MERGE_AT) {
      try {
        entry.updates = [Y.mergeUpdates(entry.updates)];
      } catch {
        // Kept as they are; they are written as separate rows.
      }
    }
    for (const audited of change.audit ?? []) entry.audit.push(auditRow(boardId, audited));
    for (const binding of change.clients ?? []) entry.clients.push(binding);
    if (change.projection) entry.projection.add(change.projection);
    if (change.notifications) entry.notifications.push(...change.notifications);
    entry.count += 1;
    // While the database cannot be reached, new changes wait for the next retry, not sooner.
    if (!this.#refused.has(boardId)) this.#schedule(this.#retryDelayMs || this.config.flushIntervalMs);
    return entry.written;
  }

  /**
   * Resolves once every change appended so far is stored, waiting (and retrying) while the database
   * cannot be reached. Changes of boards the database refuses are not waited for: they stay queued.
   */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#inFlight) {
        await this.#inFlight;
        continue;
      }
      if (![...this.#pending.keys()].some((boardId) => !this.#refused.has(boardId))) return;
      this.#clearTimer();
      if (this.#retryDelayMs > 0) await delay(this.#retryDelayMs);
      await this.#writeBatch();
    }
  }

  /** What has been appended and is not stored yet, for health and the boards' notices. */
  backlog(): StorageBacklog {
    const boards = new Map<string, number>();
    let pendingUpdates = 0;
    for (const batch of [this.#inFlightBatch, this.#pending]) {
      for (const [boardId, entry] of batch ?? []) {
        pendingUpdates += entry.count;
        boards.set(boardId, Math.min(entry.since, boards.get(boardId) ?? Infinity));
      }
    }
    let oldestPendingAt: number | null = null;
    for (const since of boards.values()) oldestPendingAt = Math.min(since, oldestPendingAt ?? since);
    return { pendingUpdates, oldestPendingAt, boards, refusedBoards: [...this.#refused.keys()] };
  }

  async compact(boardId: string): Promise<void> {
    // One compaction per board at a time in this process; the row lock covers other processes.
    const running = this.#compacting.get(boardId);
    if (running) return running;
    const work = this.#compactNow(boardId).finally(() => this.#compacting.delete(boardId));
    this.#compacting.set(boardId, work);
    return work;
  }

  /**
   * Calls `listener` with what each board's changes did to the projection, and whom they notified,
   * once they are stored (views across boards read them from then on: My work and the bell look again).
   */
  onStored(listener: (boardId: string, stored: StoredNotes) => void): void {
    this.#stored.push(listener);
  }

  /** Stops tracking a board that is no longer loaded. */
  forget(boardId: string): void {
    this.#logRows.delete(boardId);
  }

  /**
   * Stops writing (after the last `flush`, before the database closes). Anything still queued (the
   * changes of boards the database refuses) is logged as not stored.
   */
  close(): void {
    this.#closed = true;
    this.#clearTimer();
    const { pendingUpdates, refusedBoards } = this.backlog();
    if (pendingUpdates > 0)
      this.log.error(
        { pendingUpdates, refusedBoards },
        'board changes were not stored before the server stopped; the browsers that made them still ' +
          'have them and send them again when they reconnect',
      );
  }

  async #compactNow(boardId: string): Promise<void> {
    const folded = await this.db.transaction().execute(async (trx) => {
      // Serialises compactions of one board across server instances. NO KEY UPDATE, not UPDATE: the
      // foreign-key check of an insert into board_updates takes KEY SHARE on this row, and must not
      // wait behind a compaction (the group commit writes every board's updates in one insert).
      await trx
        .selectFrom('boards')
        .select('id')
        .where('id', '=', boardId)
        .forNoKeyUpdate()
        .executeTakeFirst();
      const rows = await trx
        .selectFrom('board_updates')
        .select(['id', 'update'])
        .where('board_id', '=', boardId)
        .orderBy('id')
        .execute();
      if (rows.length === 0) return 0;
      const snapshot = await trx
        .selectFrom('board_snapshots')
        .select('state')
        .where('board_id', '=', boardId)
        .executeTakeFirst();
      const doc = new Y.Doc();
      try {
        if (snapshot) Y.applyUpdate(doc, snapshot.state);
        for (const row of rows) Y.applyUpdate(doc, row.update);
        const state = Y.encodeStateAsUpdate(doc);
        // Before folding: the day's automatic version, if the board changed since its last one.
        await saveAutomaticIfDue(trx, boardId, () => state, new Date(this.now()));
        await trx
          .insertInto('board_snapshots')
          .values({ board_id: boardId, state })
          .onConflict((oc) => oc.column('board_id').doUpdateSet({ state, updated_at: new Date() }))
          .execute();
      } finally {
        doc.destroy();
      }
      // Delete exactly the rows folded in: a row committed meanwhile stays for the next compaction.
      const ids = rows.map((row) => row.id);
      for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
        await trx
          .deleteFrom('board_updates')
          .where('id', 'in', ids.slice(i, i + DELETE_CHUNK))
          .execute();
      }
      return rows.length;
    });
    if (this.#logRows.has(boardId)) {
      this.#logRows.set(boardId, Math.max(0, (this.#logRows.get(boardId) ?? 0) - folded));
    }
    if (folded > 0) this.log.debug({ boardId, folded }, 'compacted board update log');
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Writes the next batch in `delayMs`, or sooner if a write is already due sooner. */
  #schedule(delayMs: number): void {
    if (this.#inFlight || this.#closed) return;
    const due = this.now() + delayMs;
    if (this.#timer && this.#timerDue <= due) return;
    this.#clearTimer();
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#writeBatch();
    }, delayMs);
  }

  /** After a write: the next batch when there is one, else the next refused board's retry. */
  #scheduleNext(): void {
    const now = this.now();
    let soonestRefused = Infinity;
    for (const boardId of this.#pending.keys()) {
      const refused = this.#refused.get(boardId);
      if (!refused || refused.retryAt <= now) {
        this.#schedule(this.#retryDelayMs || this.config.flushIntervalMs);
        return;
      }
      soonestRefused = Math.min(soonestRefused, refused.retryAt);
    }
    if (soonestRefused < Infinity) this.#schedule(soonestRefused - now);
  }

  async #writeBatch(): Promise<void> {
    if (this.#inFlight) return;
    const now = this.now();
    const batch = new Map<string, PendingBoard>();
    const held = new Map<string, PendingBoard>();
    for (const [boardId, entry] of this.#pending) {
      const refused = this.#refused.get(boardId);
      (!refused || refused.retryAt <= now ? batch : held).set(boardId, entry);
    }
    if (batch.size === 0) return this.#scheduleNext();
    // A new map for what stays, rather than deleting the batch's boards from the one kept: see
    // `#pending`.
    this.#pending = held;
    this.#inFlightBatch = batch;
    const done = this.#write(batch);
    this.#inFlight = done;
    try {
      await done;
    } catch (error) {
      // #write handles every failure itself; this is a fault in it. Keep the changes and try again.
      this.log.error({ err: error }, 'writing board updates failed unexpectedly; will retry');
      this.#putBack(batch);
    } finally {
      this.#inFlight = null;
      this.#inFlightBatch = null;
    }
    this.#scheduleNext();
  }

  async #write(batch: Map<string, PendingBoard>): Promise<void> {
    // Boards the database refused before go on their own, not into a batch they could hold back.
    const fresh = new Map([...batch].filter(([boardId]) => !this.#refused.has(boardId)));
    const held = [...batch].filter(([boardId]) => this.#refused.has(boardId));
    // So does every board once whole batches have failed "for now" a few times in a row: one
    // board's rows might be what keeps failing, and it must not hold back the others.
    if (fresh.size > 0 && this.#transientInARow < ALONE_AFTER_TRANSIENT) {
      try {
        await this.#writeTogether(fresh);
        this.#reached();
        for (const [boardId, entry] of fresh) this.#written(boardId, entry, fresh);
      } catch (error) {
        if (isTransientDatabaseError(error)) {
          this.#transientInARow += 1;
          this.#unreachable(fresh, error);
          fresh.clear();
        } else if (fresh.size > 1) {
          this.log.warn(
            { boards: fresh.size, reason: describeDatabaseError(error) },
            'the database refused a batch of board updates; writing each board on its own',
          );
        }
      }
    }
    if (fresh.size > 0) await this.#writeEachAlone(fresh);
    for (const [boardId, entry] of held) await this.#writeEachAlone(new Map([[boardId, entry]]));
  }

  /**
   * Each board in a transaction of its own. A board that fails "for now" on its own while another
   * is written (the next one, or any before it when it is the last) is held like a refused board:
   * the failure is its own. Two failures in a row mean the database is what fails, and the rest of
   * the batch waits for it.
   */
  async #writeEachAlone(batch: Map<string, PendingBoard>): Promise<void> {
    let failedJustBefore: { boardId: string; entry: PendingBoard; error: unknown }[] = [];
    let anyWritten = false;
    let lastError: unknown;
    const hold = (failed: { boardId: string; entry: PendingBoard; error: unknown }[]) => {
      for (const { boardId, entry, error } of failed) {
        batch.delete(boardId);
        this.#hold(boardId, entry, error);
      }
    };
    for (const [boardId, entry] of [...batch]) {
      const { outcome, error } = await this.#writeAlone(boardId, entry);
      if (outcome === 'unreachable') {
        lastError = error;
        failedJustBefore.push({ boardId, entry, error });
        if (failedJustBefore.length >= 2) break;
        continue;
      }
      this.#reached();
      anyWritten ||= outcome === 'written';
      if (outcome === 'written') this.#written(boardId, entry, batch);
      else {
        batch.delete(boardId);
        this.#inFlightBatch?.delete(boardId);
      }
      hold(failedJustBefore);
      failedJustBefore = [];
    }
    // The last board failed alone after others were written; or a board held before failed again
    // (its pause grows). Everything else waits for the database.
    const own = failedJustBefore.filter(
      ({ boardId }) => (anyWritten && failedJustBefore.length === 1) || this.#refused.has(boardId),
    );
    hold(own);
    if (batch.size > 0) this.#unreachable(batch, lastError);
  }

  /** Every board of the batch in one transaction: the usual case. */
  async #writeTogether(batch: Map<string, PendingBoard>): Promise<void> {
    const rows = [...batch].flatMap(([boardId, entry]) => updateRows(boardId, entry));
    const audit = [...batch.values()].flatMap((entry) => entry.audit);
    const clients = [...batch].flatMap(([boardId, entry]) =>
      entry.clients.map((c) => ({ board_id: boardId, client_id: c.clientId, user_id: c.userId })),
    );
    const projections = new Map([...batch].map(([boardId, entry]) => [boardId, entry.projection]));
    const projecting = [...projections.values()].some((projection) => !projection.empty);
    const notifications = [...batch].flatMap(([boardId, entry]) =>
      entry.notifications.map((note) => notificationRow(boardId, note)),
    );
    // Most batches only add rows (updates, their audit rows, records' projected rows written
    // again): one statement, atomic as it is, instead of a transaction of one round trip each.
    const upserts = notifications.length === 0 ? upsertsOnly(projections) : null;
    const rowCount = (lists: readonly (readonly unknown[])[]) =>
      lists.reduce((sum, list) => sum + list.length, 0);
    if (upserts && rowCount([rows, audit, clients, ...upserts.map((u) => u.rows)]) <= ONE_STATEMENT_ROWS) {
      const parameters: unknown[] = [];
      const statements = [
        rows.length > 0 && updatesInsert(rows, parameters),
        audit.length > 0 && jsonRowsInsert('audit_events', AUDIT_COLUMNS, audit, '', parameters),
        clients.length > 0 &&
          jsonRowsInsert('board_clients', CLIENT_COLUMNS, clients, CLIENTS_CONFLICT, parameters),
        ...upserts.map((upsert) => upsertStatement(upsert, parameters)),
      ].filter((statement) => statement !== false);
      if (statements.length > 0)
        await this.db.executeQuery(CompiledQuery.raw(inOneStatement(statements), parameters));
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      if (rows.length > 0) await trx.insertInto('board_updates').values(rows).execute();
      for (let i = 0; i < audit.length; i += AUDIT_CHUNK) {
        await trx.executeQuery(
          insertJsonRows('audit_events', AUDIT_COLUMNS, audit.slice(i, i + AUDIT_CHUNK)),
        );
      }
      for (let i = 0; i < clients.length; i += CLIENTS_CHUNK) {
        await trx.executeQuery(insertClients(clients.slice(i, i + CLIENTS_CHUNK)));
      }
      if (projecting) await writeProjections(trx, projections, new Date(this.now()));
      if (notifications.length > 0) await insertNotifications(trx, notifications);
    });
  }

  /**
   * One board's changes in a transaction of their own, each part behind a savepoint: the update
   * first (if the database refuses it, nothing of the board is written), then its audit rows and
   * client bindings, leaving out only the rows the database refuses (found by halving), and a
   * marker row in the trail when any were left out; then its projection, or, if the database
   * refuses that, a mark that the board's projection is behind (it is projected again from the
   * document when the board next opens). A failure the transaction cannot recover from
   * (a lost connection, a timeout) counts as the database being unreachable.
   */
  async #writeAlone(boardId: string, entry: PendingBoard): Promise<{ outcome: Outcome; error?: unknown }> {
    const refusedAudit: { row: AuditRow; error: unknown }[] = [];
    const refusedClients: { row: ClientBinding; error: unknown }[] = [];
    let projectionRefused: unknown = null;
    let notificationsRefused: unknown = null;
    try {
      await this.db.transaction().execute(async (trx) => {
        const rows = updateRows(boardId, entry);
        const refusal =
          rows.length > 0 &&
          (await this.#attempt(trx, () => trx.insertInto('board_updates').values(rows).execute()));
        if (refusal) throw new UpdateRefused(refusal);
        for (let i = 0; i < entry.audit.length; i += AUDIT_CHUNK) {
          await this.#insertKeeping(
            trx,
            entry.audit.slice(i, i + AUDIT_CHUNK),
            (rows) => trx.executeQuery(insertJsonRows('audit_events', AUDIT_COLUMNS, rows)),
            refusedAudit,
          );
        }
        for (let i = 0; i < entry.clients.length; i += CLIENTS_CHUNK) {
          await this.#insertKeeping(
            trx,
            entry.clients.slice(i, i + CLIENTS_CHUNK),
            (rows) =>
              trx.executeQuery(
                insertClients(
                  rows.map((c) => ({ board_id: boardId, client_id: c.clientId, user_id: c.userId })),
                ),
              ),
            refusedClients,
          );
        }
        if (!entry.projection.empty) {
          projectionRefused = await this.#attempt(trx, () =>
            writeProjections(trx, new Map([[boardId, entry.projection]]), new Date(this.now())),
          );
          // The board is projected whole from its document when it next loads.
          if (projectionRefused) await this.#attempt(trx, () => markProjectionBehind(trx, boardId));
        }
        if (entry.notifications.length > 0) {
          const rows = entry.notifications.map((note) => notificationRow(boardId, note));
          notificationsRefused = await this.#attempt(trx, () => insertNotifications(trx, rows));
        }
        if (refusedAudit.length > 0 || refusedClients.length > 0) {
          const marker = this.#marker(boardId, refusedAudit.length, refusedClients.length, [
            ...refusedAudit,
            ...refusedClients,
          ]);
          const markerRefused = await this.#attempt(trx, () =>
            trx.insertInto('audit_events').values(marker).execute(),
          );
          if (markerRefused)
            this.log.error(
              { boardId, reason: describeDatabaseError(markerRefused) },
              'the audit trail marker for rows that could not be kept was refused too',
            );
        }
      });
    } catch (error) {
      if (isTransientDatabaseError(error)) return { outcome: 'unreachable', error };
      // Refused, or the transaction failed in a way no savepoint could catch (its commit, say).
      const cause = error instanceof UpdateRefused ? error.cause : error;
      return { outcome: await this.#updateRefused(boardId, entry, cause), error: cause };
    }
    if (notificationsRefused)
      this.log.error(
        { boardId, notifications: entry.notifications.length, reason: reasonOf(notificationsRefused) },
        'the database refused the notifications of a board change; the change itself is stored',
      );
    if (projectionRefused)
      this.log.error(
        { boardId, reason: reasonOf(projectionRefused) },
        'the database refused a board change’s projection rows; the change itself is stored, and the ' +
          'board is projected again from its document when it next opens',
      );
    if (refusedAudit.length > 0 || refusedClients.length > 0) {
      this.log.error(
        {
          boardId,
          auditRowsNotKept: refusedAudit.length,
          clientBindingsNotKept: refusedClients.length,
          reasons: [...new Set([...refusedAudit, ...refusedClients].map((r) => reasonOf(r.error)))],
          rows: refusedAudit.slice(0, 5).map(({ row }) => ({
            at: row.at,
            userId: row.user_id,
            recordType: row.record_type?.slice(0, 40),
            recordId: row.record_id?.slice(0, 40),
            field: row.field?.slice(0, 40),
          })),
          clients: refusedClients.slice(0, 5).map(({ row }) => row),
        },
        'the database refused some audit trail rows or document client bindings of a board change; ' +
          'the change itself is stored, and the trail has a marker row where they are missing',
      );
    }
    return { outcome: 'written' };
  }

  /**
   * Runs one statement behind a savepoint. Returns the database's refusal (after rolling back to
   * the savepoint, which proves the connection is fine), or null when it succeeded. A transient
   * failure, or one the rollback cannot recover from, is thrown.
   */
  async #attempt(trx: Transaction<Database>, statement: () => Promise<unknown>): Promise<unknown> {
    await sql`savepoint huddle_write`.execute(trx);
    try {
      await statement();
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      await sql`rollback to savepoint huddle_write`.execute(trx);
      await sql`release savepoint huddle_write`.execute(trx);
      return error ?? new Error('refused');
    }
    await sql`release savepoint huddle_write`.execute(trx);
    return null;
  }

  /** Inserts `rows`, halving around refusals until only the refused rows are left out. */
  async #insertKeeping<T>(
    trx: Transaction<Database>,
    rows: T[],
    insert: (rows: T[]) => Promise<unknown>,
    refused: { row: T; error: unknown }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const error = await this.#attempt(trx, () => insert(rows));
    if (!error) return;
    if (rows.length === 1) {
      refused.push({ row: rows[0]!, error });
      return;
    }
    const half = Math.ceil(rows.length / 2);
    await this.#insertKeeping(trx, rows.slice(0, half), insert, refused);
    await this.#insertKeeping(trx, rows.slice(half), insert, refused);
  }

  /** The trail's record of rows it could not keep: by the server, naming no record. */
  #marker(
    boardId: string,
    auditRows: number,
    clientBindings: number,
    refusals: { error: unknown }[],
  ): NewAuditEvent {
    const note = {
      notKept:
        'The database refused some rows of this change; the change itself is stored. ' +
        'See the server log at this time.',
      auditRows,
      clientBindings,
      reasons: [...new Set(refusals.map((r) => reasonOf(r.error)))].slice(0, 5),
    };
    return {
      at: new Date(this.now()),
      event: 'change',
      board_id: boardId,
      user_id: null,
      user_name: null,
      record_type: null,
      record_id: null,
      field: null,
      before: null,
      after: JSON.stringify(storable(note)),
    };
  }

  /**
   * The database refused a board's updates themselves. For a board that no longer exists they are
   * dropped (nobody can open it again); otherwise they are kept and tried again on their own.
   */
  async #updateRefused(boardId: string, entry: PendingBoard, error: unknown): Promise<Outcome> {
    let exists = true;
    try {
      exists = !!(await this.db
        .selectFrom('boards')
        .select('id')
        .where('id', '=', boardId)
        .executeTakeFirst());
    } catch (checkError) {
      if (isTransientDatabaseError(checkError)) return 'unreachable';
    }
    if (!exists) {
      this.log.error(
        { boardId, updates: entry.count, reason: describeDatabaseError(error) },
        'changes to a board that no longer exists were dropped',
      );
      this.#refused.delete(boardId);
      entry.reject(error instanceof Error ? error : new Error(String(error)));
      return 'refused';
    }
    this.#hold(boardId, entry, error);
    return 'refused';
  }

  /**
   * Keeps a board's changes out of the group batch and tries them again on their own, after a pause
   * that doubles with each failure (up to a minute). The board counts as refused until they are stored.
   */
  #hold(boardId: string, entry: PendingBoard, error: unknown): void {
    const previous = this.#refused.get(boardId);
    const attempts = (previous?.attempts ?? 0) + 1;
    const pauseMs = Math.min(MAX_REFUSED_RETRY_DELAY_MS, 1_000 * 2 ** (attempts - 1));
    this.#refused.set(boardId, {
      attempts,
      retryAt: this.now() + pauseMs,
      since: previous?.since ?? this.now(),
    });
    this.log.error(
      { boardId, updates: entry.count, attempts, retryInMs: pauseMs, reason: describeDatabaseError(error) },
      'the database refused this board’s changes; they are kept on the server and tried again on their ' +
        'own, and the board’s browsers are told their changes are not stored yet',
    );
    this.#putBack(new Map([[boardId, entry]]));
  }

  /** The database could not be reached: every board of the batch not yet written waits for it. */
  #unreachable(batch: Map<string, PendingBoard>, error?: unknown): void {
    this.#retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, Math.max(50, this.#retryDelayMs * 2));
    const first = this.#unreachableSince === null;
    this.#unreachableSince ??= this.now();
    const details = {
      boards: batch.size,
      retryInMs: this.#retryDelayMs,
      unreachableForMs: this.now() - this.#unreachableSince,
      reason: error === undefined ? undefined : describeDatabaseError(error),
    };
    const message =
      'board changes could not be stored (the database cannot be reached); they are kept and tried again';
    // An error when it starts; then a reminder at each retry, at most every few seconds.
    if (first) this.log.error(details, message);
    else this.log.warn(details, message);
    this.#putBack(batch);
  }

  /** The database took a write: if it could not be reached before, say it is back. */
  #reached(): void {
    this.#retryDelayMs = 0;
    this.#transientInARow = 0;
    if (this.#unreachableSince === null) return;
    this.log.info(
      { unreachableForMs: this.now() - this.#unreachableSince },
      'board changes are being stored again',
    );
    this.#unreachableSince = null;
  }

  /** Puts boards back in front of anything that arrived for them meanwhile, keeping update order. */
  #putBack(batch: Map<string, PendingBoard>): void {
    const pending = new Map(batch);
    if (this.#inFlightBatch) for (const boardId of batch.keys()) this.#inFlightBatch.delete(boardId);
    for (const [boardId, entry] of this.#pending) {
      const earlier = pending.get(boardId);
      if (earlier) absorb(earlier, entry);
      else pending.set(boardId, entry);
    }
    this.#pending = pending;
  }

  #written(boardId: string, entry: PendingBoard, batch: Map<string, PendingBoard>): void {
    batch.delete(boardId);
    this.#inFlightBatch?.delete(boardId);
    entry.resolve();
    if (!entry.projection.empty || entry.notifications.length > 0) {
      const stored: StoredNotes = {
        projection: entry.projection,
        notified: new Set(entry.notifications.map((note) => note.userId)),
      };
      for (const listener of this.#stored) {
        try {
          listener(boardId, stored);
        } catch (err) {
          this.log.error({ err, boardId }, 'a listener to stored changes failed');
        }
      }
    }
    const refused = this.#refused.get(boardId);
    if (refused) {
      this.#refused.delete(boardId);
      this.log.info(
        { boardId, refusedForMs: this.now() - refused.since },
        'a board’s changes the database had refused are stored now',
      );
    }
    const rowsInLog = this.#logRows.get(boardId);
    if (rowsInLog === undefined) return;
    this.#logRows.set(boardId, rowsInLog + 1);
    if (rowsInLog + 1 >= this.config.compactThreshold) {
      this.compact(boardId).catch((err: unknown) =>
        this.log.error({ err, boardId }, 'compacting board update log failed'),
      );
    }
  }
}

function reasonOf(error: unknown): string {
  const code = errorCode(error);
  return `${describeDatabaseError(error).slice(0, 200)}${code ? ` (${code})` : ''}`;
}
