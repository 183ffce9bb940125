import { setTimeout as delay } from 'node:timers/promises';
import * as Y from 'yjs';
import type { Kysely } from 'kysely';
import type { AuditValue } from '../../../shared/audit.ts';
import type { Database, NewAuditEvent } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import type { StorageConfig } from '../config.ts';
import type { AuditedChange, BoardChange, BoardStorage, ClientBinding } from './BoardStorage.ts';

/**
 * One board's updates in one batch. Every append to it shares one promise (not one per update):
 * group commit makes them durable together, and a busy board costs no allocation per update.
 */
interface PendingBoard {
  updates: Uint8Array[];
  audit: NewAuditEvent[];
  clients: ClientBinding[];
  written: Promise<void>;
  resolve: (value: void | Promise<void>) => void;
  reject: (error: Error) => void;
}

function pendingBoard(): PendingBoard {
  let resolve!: PendingBoard['resolve'];
  let reject!: PendingBoard['reject'];
  const written = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A refusal is logged here; callers that do not wait for durability must not see it as unhandled.
  written.catch(() => undefined);
  return { updates: [], audit: [], clients: [], written, resolve, reject };
}

/** Postgres (or PGlite) codes for errors a retry cannot fix: integrity constraint violations. */
const PERMANENT_SQLSTATE = /^23/;
const MAX_RETRY_DELAY_MS = 5_000;
const DELETE_CHUNK = 5_000;
// Rows per audit insert: 11 parameters each, well inside Postgres's 65,535.
const AUDIT_CHUNK = 2_000;
const CLIENTS_CHUNK = 10_000;
/** Longest text kept in an audit row's name columns (record type, record id, field). */
const AUDIT_NAME_MAX = 200;

/**
 * Text as Postgres can hold it: it refuses NUL, and jsonb refuses unpaired surrogates, both of
 * which a client can put in a Yjs string.
 */
function storableText(value: string): string {
  return value.toWellFormed().replaceAll('\0', '\uFFFD');
}

function storable(value: AuditValue): AuditValue {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)]));
  }
  return value;
}

function storableName(value: string | null): string | null {
  return value === null ? null : storableText(value).slice(0, AUDIT_NAME_MAX);
}

/** An audit trail row for the database. */
function auditRow(boardId: string, change: AuditedChange): NewAuditEvent {
  return {
    at: change.at,
    event: 'change',
    board_id: boardId,
    user_id: change.user?.id ?? null,
    user_name: change.user?.name ?? null,
    record_type: storableName(change.recordType),
    record_id: storableName(change.recordId),
    field: storableName(change.field),
    before: change.before === null ? null : JSON.stringify(storable(change.before)),
    after: change.after === null ? null : JSON.stringify(storable(change.after)),
  };
}

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/**
 * Board storage in the `board_updates` log and `board_snapshots`, through kysely.
 *
 * Appends are group-committed: updates that arrive within `flushIntervalMs` of each other are
 * merged per board and written in one multi-row insert, while the next batch gathers behind it.
 * A failed write keeps its updates queued and retries; nothing is dropped unless the database
 * refuses the row itself (for example, its board no longer exists).
 */
export class PostgresBoardStorage implements BoardStorage {
  #pending = new Map<string, PendingBoard>();
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;
  #retryDelayMs = 0;
  /** Rows in each loaded board's log, to trigger compaction past the threshold. */
  #logRows = new Map<string, number>();
  #compacting = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: StorageConfig,
    private readonly log: Logger,
  ) {}

  async load(boardId: string): Promise<Uint8Array | null> {
    const [snapshot, updates] = await Promise.all([
      this.db
        .selectFrom('board_snapshots')
        .select('state')
        .where('board_id', '=', boardId)
        .executeTakeFirst(),
      this.db
        .selectFrom('board_updates')
        .select('update')
        .where('board_id', '=', boardId)
        .orderBy('id')
        .execute(),
    ]);
    this.#logRows.set(boardId, updates.length);
    const parts = [...(snapshot ? [snapshot.state] : []), ...updates.map((row) => row.update)];
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
  }

  async loadClients(boardId: string): Promise<Map<number, string>> {
    const rows = await this.db
      .selectFrom('board_clients')
      .select(['client_id', 'user_id'])
      .where('board_id', '=', boardId)
      .execute();
    return new Map(rows.map((row) => [Number(row.client_id), row.user_id]));
  }

  async bindClients(boardId: string, bindings: readonly ClientBinding[]): Promise<void> {
    for (let i = 0; i < bindings.length; i += CLIENTS_CHUNK) {
      await this.db
        .insertInto('board_clients')
        .values(
          bindings
            .slice(i, i + CLIENTS_CHUNK)
            .map((b) => ({ board_id: boardId, client_id: b.clientId, user_id: b.userId })),
        )
        .onConflict((oc) => oc.columns(['board_id', 'client_id']).doNothing())
        .execute();
    }
  }

  append(boardId: string, change: BoardChange): Promise<void> {
    let entry = this.#pending.get(boardId);
    if (!entry) {
      entry = pendingBoard();
      this.#pending.set(boardId, entry);
    }
    entry.updates.push(change.update);
    for (const audited of change.audit ?? []) entry.audit.push(auditRow(boardId, audited));
    for (const binding of change.clients ?? []) entry.clients.push(binding);
    this.#schedule(this.config.flushIntervalMs);
    return entry.written;
  }

  async flush(): Promise<void> {
    while (this.#pending.size > 0 || this.#inFlight) {
      if (this.#inFlight) {
        await this.#inFlight;
        continue;
      }
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      if (this.#retryDelayMs > 0) await delay(this.#retryDelayMs);
      await this.#writeBatch();
    }
  }

  async compact(boardId: string): Promise<void> {
    // One compaction per board at a time in this process; the row lock covers other processes.
    const running = this.#compacting.get(boardId);
    if (running) return running;
    const work = this.#compactNow(boardId).finally(() => this.#compacting.delete(boardId));
    this.#compacting.set(boardId, work);
    return work;
  }

  /** Stops tracking a board that is no longer loaded. */
  forget(boardId: string): void {
    this.#logRows.delete(boardId);
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

  #schedule(delayMs: number): void {
    if (this.#timer || this.#inFlight) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#writeBatch();
    }, delayMs);
  }

  async #writeBatch(): Promise<void> {
    if (this.#inFlight || this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const done = this.#insert(batch);
    this.#inFlight = done;
    await done;
    this.#inFlight = null;
    if (this.#pending.size > 0) this.#schedule(this.#retryDelayMs || this.config.flushIntervalMs);
  }

  async #insert(batch: Map<string, PendingBoard>): Promise<void> {
    const rows = [...batch].map(([boardId, entry]) => ({
      board_id: boardId,
      update: entry.updates.length === 1 ? entry.updates[0]! : Y.mergeUpdates(entry.updates),
    }));
    const audit = [...batch.values()].flatMap((entry) => entry.audit);
    const clients = [...batch].flatMap(([boardId, entry]) =>
      entry.clients.map((c) => ({ board_id: boardId, client_id: c.clientId, user_id: c.userId })),
    );
    try {
      if (audit.length === 0 && clients.length === 0)
        await this.db.insertInto('board_updates').values(rows).execute();
      else
        await this.db.transaction().execute(async (trx) => {
          await trx.insertInto('board_updates').values(rows).execute();
          for (let i = 0; i < audit.length; i += AUDIT_CHUNK) {
            await trx
              .insertInto('audit_events')
              .values(audit.slice(i, i + AUDIT_CHUNK))
              .execute();
          }
          for (let i = 0; i < clients.length; i += CLIENTS_CHUNK) {
            // A client id bound meanwhile (by another server instance) keeps its first user.
            await trx
              .insertInto('board_clients')
              .values(clients.slice(i, i + CLIENTS_CHUNK))
              .onConflict((oc) => oc.columns(['board_id', 'client_id']).doNothing())
              .execute();
          }
        });
      this.#retryDelayMs = 0;
      for (const [boardId, entry] of batch) this.#written(boardId, entry);
      return;
    } catch (error) {
      if (batch.size === 1 && PERMANENT_SQLSTATE.test(sqlState(error) ?? '')) {
        const [[boardId, entry]] = [...batch] as [[string, PendingBoard]];
        this.log.error(
          { err: error, boardId, updates: entry.updates.length },
          'board update refused by the database',
        );
        entry.reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (batch.size > 1 && PERMANENT_SQLSTATE.test(sqlState(error) ?? '')) {
        // One board's row is refused; write the others one by one so they are not held back.
        for (const [boardId, entry] of batch) await this.#insert(new Map([[boardId, entry]]));
        return;
      }
      this.#retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, Math.max(50, this.#retryDelayMs * 2));
      this.log.error(
        { err: error, boards: batch.size, retryInMs: this.#retryDelayMs },
        'writing board updates failed; will retry',
      );
      // Put the batch back in front of anything that arrived meanwhile, keeping update order.
      for (const [boardId, entry] of this.#pending) {
        const earlier = batch.get(boardId);
        if (earlier) {
          earlier.updates.push(...entry.updates);
          earlier.audit.push(...entry.audit);
          earlier.clients.push(...entry.clients);
          entry.resolve(earlier.written);
        } else batch.set(boardId, entry);
      }
      this.#pending = batch;
    }
  }

  #written(boardId: string, entry: PendingBoard): void {
    entry.resolve();
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
