import type { Kysely, Transaction } from 'kysely';
import { PROJECTED_COLLECTIONS, type ProjectedCollection } from '#shared/board/records';
import type { Database } from '../db/schema.ts';
import { insertJsonRows, jsonRowsInsert, timestampText, type JsonRow } from '../db/jsonRows.ts';
import { storable, storableInstant, storableKey, storableText } from '../db/storable.ts';
import type { ProjectedRecord, ProjectionChange, RecordTransition } from '../sync/boardChange.ts';
import { ProjectionBatch } from './projectionBatch.ts';
import { refreshProgressRuns, type ActionKey, type TouchedActions } from '../progress/progressRuns.ts';

/*
 * The projection in Postgres: a table per collection (`projected_actions`, ...) with the columns the
 * queries across boards filter and group on, `record_transitions` for the history, and
 * `board_projections` for when each board was last projected whole, and by which version.
 */

/**
 * The projection code's version. Raise it when a projected column is added or computed differently:
 * every board is then projected again from its document when it is next opened (or by
 * `npm run rebuild-projections`).
 */
export const PROJECTION_VERSION = 2;

export const PROJECTION_TABLES = {
  actions: 'projected_actions',
  people: 'projected_people',
  goals: 'projected_goals',
  pathwayStages: 'projected_stages',
  comments: 'projected_comments',
} as const satisfies Record<ProjectedCollection, keyof Database>;

type ProjectionTable = (typeof PROJECTION_TABLES)[ProjectedCollection];

/**
 * One record as its collection's table keeps it, as the JSON it is written from (`insertJsonRows`):
 * `record` and `problems` as their values, timestamps as text.
 */
export type ProjectionRow = JsonRow & { board_id: string; id: string };

/** The columns each table's upsert sets from the row it inserts (all but the key). */
const UPDATED_COLUMNS: Record<ProjectionTable, readonly string[]> = {
  projected_actions: [
    'status',
    'owner_id',
    'owner_organisation_id',
    'person_id',
    'goal_id',
    'due_date',
    'created_by_id',
    'created_at',
    'completed_at',
  ],
  projected_people: [
    'name',
    'risk',
    'frailty_score',
    'key_worker_id',
    'stage_id',
    'stage_entered_at',
    'archived',
  ],
  projected_goals: ['person_id', 'status', 'target_date', 'lead_organisation_id'],
  projected_stages: ['name', 'position'],
  projected_comments: [
    'subject_type',
    'subject_id',
    'created_by_id',
    'created_at',
    'edited_at',
    'withdrawn_at',
  ],
};

/** Rows per insert: well inside Postgres's 65,535 parameters for the widest table (13 columns). */
const INSERT_CHUNK = 1_000;
/** Ids per delete. */
const DELETE_CHUNK = 5_000;

/*
 * A field as its column keeps it: a value of the column's type, or null (an invalid record's field
 * may be anything), text as Postgres can hold it (a client can put NUL or half a symbol in a string).
 */
const text = (value: unknown): string | null => (typeof value === 'string' ? storableText(value) : null);
const key = (value: unknown): string | null => (typeof value === 'string' ? storableKey(value) : null);
const integer = (value: unknown): number | null =>
  Number.isSafeInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1 ? (value as number) : null;
const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
/**
 * Timestamps as read before (a record keeps its `createdAt` through every change to it, and reading
 * one is a Date's parse and its ISO text): short text only, a few thousand at most.
 */
const instants = new Map<string, string | null>();
const INSTANTS_HELD = 5_000;
const INSTANT_MAX_CHARS = 40;

/** A date a client made up may be outside what Postgres keeps. */
const instant = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  let text = instants.get(value);
  if (text === undefined) {
    const at = storableInstant(value);
    text = at && timestampText(at);
    if (value.length <= INSTANT_MAX_CHARS) {
      if (instants.size >= INSTANTS_HELD) instants.clear();
      instants.set(value, text);
    }
  }
  return text;
};

/** A projected record as its table's row. */
export function projectionRow(boardId: string, record: ProjectedRecord): ProjectionRow {
  const f = record.fields;
  // Each row is one object literal: an object spread and then added to (`{ ...common, status }`)
  // takes V8 (Node 20) many times as long, and each lands in the old generation, freed only by a
  // full collection: a row for every change kept (README, "Sync").
  const board_id = boardId;
  const id = storableKey(record.id);
  const fields = storable(f);
  const problems = record.problems === null ? null : storable(record.problems);
  switch (record.collection) {
    case 'actions':
      return {
        board_id,
        id,
        record: fields,
        problems,
        status: text(f.status),
        owner_id: key(f.ownerId),
        owner_organisation_id: key(f.ownerOrganisationId),
        person_id: key(f.personId),
        goal_id: key(f.goalId),
        due_date: text(f.dueDate),
        created_by_id: key(f.createdById),
        created_at: instant(f.createdAt),
        completed_at: instant(f.completedAt),
      };
    case 'people':
      return {
        board_id,
        id,
        record: fields,
        problems,
        name: text(f.name),
        risk: text(f.risk),
        frailty_score: integer(f.frailtyScore),
        key_worker_id: key(f.keyWorkerId),
        stage_id: key(f.stageId),
        stage_entered_at: instant(f.stageEnteredAt),
        archived: flag(f.archived),
      };
    case 'goals':
      return {
        board_id,
        id,
        record: fields,
        problems,
        person_id: key(f.personId),
        status: text(f.status),
        target_date: text(f.targetDate),
        lead_organisation_id: key(f.leadOrganisationId),
      };
    case 'pathwayStages':
      return { board_id, id, record: fields, problems, name: text(f.name), position: finite(f.order) };
    case 'comments':
      return {
        board_id,
        id,
        record: fields,
        problems,
        subject_type: text(f.subjectType),
        subject_id: key(f.subjectId),
        created_by_id: key(f.createdById),
        created_at: instant(f.createdAt),
        edited_at: instant(f.editedAt),
        withdrawn_at: instant(f.withdrawnAt),
      };
  }
}

const TRANSITION_COLUMNS = [
  'board_id',
  'collection',
  'record_id',
  'kind',
  'from_value',
  'to_value',
  'at',
  'user_id',
  'source',
];

/** A history row, as the JSON it is written from (`insertJsonRows`). */
type TransitionRow = JsonRow & { board_id: string; collection: string; record_id: string; kind: string };

function transitionRow(boardId: string, t: RecordTransition): TransitionRow {
  return {
    board_id: boardId,
    collection: t.collection,
    record_id: storableKey(t.recordId),
    kind: t.kind,
    from_value: t.from === null ? null : storableKey(t.from),
    to_value: t.to === null ? null : storableKey(t.to),
    at: timestampText(t.at),
    user_id: t.userId,
    source: t.source,
  };
}

/** Rows of one projection table, written (inserted, or updated where the record has a row) together. */
export interface ProjectionUpsert {
  table: ProjectionTable;
  rows: ProjectionRow[];
}

/** Each table's upsert: its columns, and what a record that has a row already sets. */
const UPSERTS = Object.fromEntries(
  Object.entries(UPDATED_COLUMNS).map(([table, updated]) => {
    const set = ['record', 'problems', ...updated].map((column) => `"${column}" = excluded."${column}"`);
    return [
      table,
      {
        columns: ['board_id', 'id', 'record', 'problems', ...updated],
        conflict: `on conflict (board_id, id) do update set ${set.join(', ')}`,
      },
    ];
  }),
) as Record<ProjectionTable, { columns: string[]; conflict: string }>;

/** The text of the statement writing `upsert`'s rows, its parameter added to `parameters` (`jsonRowsInsert`). */
export function upsertStatement({ table, rows }: ProjectionUpsert, parameters: unknown[]): string {
  const { columns, conflict } = UPSERTS[table];
  return jsonRowsInsert(table, columns, rows, conflict, parameters);
}

/**
 * The rows to write when boards' projection changes are rows written again and nothing more (a
 * title or a note changed: no record removed, no history, no progress run to follow, no board
 * projected whole or behind), by table; null when they need more (`writeProjections`).
 */
export function upsertsOnly(batches: ReadonlyMap<string, ProjectionBatch>): ProjectionUpsert[] | null {
  const upserts = new Map<ProjectionTable, ProjectionRow[]>();
  for (const [boardId, batch] of batches) {
    if (batch.empty) continue;
    if (batch.whole || batch.behind || batch.transitions.length > 0) return null;
    for (const { collection, record, runFieldsChanged } of batch.records.values()) {
      if (!record || (collection === 'actions' && runFieldsChanged)) return null;
      const table = PROJECTION_TABLES[collection];
      let rows = upserts.get(table);
      if (!rows) upserts.set(table, (rows = []));
      rows.push(projectionRow(boardId, record));
    }
  }
  return [...upserts].map(([table, rows]) => ({ table, rows }));
}

/**
 * Writes boards' gathered projection changes inside `trx` (with their updates, in the group commit):
 * a board projected whole loses its other rows and is marked current; then every record is
 * upserted or deleted as its batch leaves it, and the history appended (nothing twice).
 */
export async function writeProjections(
  trx: Transaction<Database>,
  batches: ReadonlyMap<string, ProjectionBatch>,
  now: Date,
): Promise<void> {
  const upserts = new Map<ProjectionTable, ProjectionRow[]>();
  const deletes = new Map<ProjectionTable, Map<string, string[]>>();
  const transitions: TransitionRow[] = [];
  const wholeBoards: { boardId: string; records: number }[] = [];
  for (const [boardId, batch] of batches) {
    if (batch.empty) continue;
    if (batch.whole) wholeBoards.push({ boardId, records: 0 });
    for (const { collection, id, record } of batch.records.values()) {
      const table = PROJECTION_TABLES[collection];
      if (record) {
        if (batch.whole) wholeBoards.at(-1)!.records += 1;
        let rows = upserts.get(table);
        if (!rows) upserts.set(table, (rows = []));
        rows.push(projectionRow(boardId, record));
      } else if (!batch.whole) {
        let byBoard = deletes.get(table);
        if (!byBoard) deletes.set(table, (byBoard = new Map()));
        let ids = byBoard.get(boardId);
        if (!ids) byBoard.set(boardId, (ids = []));
        ids.push(storableKey(id));
      }
    }
    for (const t of batch.transitions) transitions.push(transitionRow(boardId, t));
  }
  if (wholeBoards.length > 0) {
    const boardIds = wholeBoards.map((b) => b.boardId);
    for (const table of Object.values(PROJECTION_TABLES))
      await trx.deleteFrom(table).where('board_id', 'in', boardIds).execute();
  }
  for (const [table, byBoard] of deletes) {
    for (const [boardId, ids] of byBoard) {
      for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
        await trx
          .deleteFrom(table)
          .where('board_id', '=', boardId)
          .where('id', 'in', ids.slice(i, i + DELETE_CHUNK))
          .execute();
      }
    }
  }
  for (const [table, rows] of upserts) {
    const { columns, conflict } = UPSERTS[table];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      await trx.executeQuery(insertJsonRows(table, columns, rows.slice(i, i + INSERT_CHUNK), conflict));
  }
  for (let i = 0; i < transitions.length; i += INSERT_CHUNK) {
    await trx.executeQuery(
      insertJsonRows(
        'record_transitions',
        TRANSITION_COLUMNS,
        transitions.slice(i, i + INSERT_CHUNK),
        'on conflict do nothing',
      ),
    );
  }
  await refreshProgressRuns(
    trx,
    touchedActions(batches, transitions),
    wholeBoards.map((b) => b.boardId),
  );
  for (const { boardId, records } of wholeBoards) {
    await trx
      .insertInto('board_projections')
      .values({ board_id: boardId, projected_at: now, records, version: PROJECTION_VERSION })
      .onConflict((oc) =>
        oc.column('board_id').doUpdateSet({ projected_at: now, records, version: PROJECTION_VERSION }),
      )
      .execute();
  }
  for (const [boardId, batch] of batches) if (batch.behind) await markProjectionBehind(trx, boardId);
}

/**
 * The actions this write touches, on boards not projected whole: those with new status rows (their
 * runs are written again), the others whose row was written (their runs take its due date, owner and
 * person) and those removed (their runs go).
 */
function touchedActions(
  batches: ReadonlyMap<string, ProjectionBatch>,
  transitions: readonly TransitionRow[],
): TouchedActions {
  const key = (a: ActionKey) => `${a.board_id}\u0000${a.record_id}`;
  const rewritten = new Map<string, ActionKey>();
  for (const t of transitions)
    if (isStatusRow(t)) rewritten.set(key(t), { board_id: t.board_id, record_id: t.record_id });
  const updated = new Map<string, ActionKey>();
  const removed: ActionKey[] = [];
  for (const [boardId, batch] of batches) {
    if (batch.whole) continue;
    for (const { collection, id, record, runFieldsChanged } of batch.records.values()) {
      if (collection !== 'actions') continue;
      const action = { board_id: boardId, record_id: storableKey(id) };
      if (!record) removed.push(action);
      else if (runFieldsChanged && !rewritten.has(key(action))) updated.set(key(action), action);
    }
  }
  return { rewritten: [...rewritten.values()], updated: [...updated.values()], removed };
}

/** An action's status rows: when it was made, and each change of its status. */
const isStatusRow = (t: TransitionRow) =>
  t.collection === 'actions' && (t.kind === 'created' || t.kind === 'status');

/**
 * Marks a board's projection as behind (its rows could not all be written): it is projected again
 * from its document when the board is next opened.
 */
export async function markProjectionBehind(trx: Transaction<Database>, boardId: string): Promise<void> {
  await trx.updateTable('board_projections').set({ version: 0 }).where('board_id', '=', boardId).execute();
}

/** True when the board's projection was written whole by this version and nothing has put it behind. */
export async function projectionIsCurrent(db: Kysely<Database>, boardId: string): Promise<boolean> {
  const row = await db
    .selectFrom('board_projections')
    .select('version')
    .where('board_id', '=', boardId)
    .executeTakeFirst();
  return row?.version === PROJECTION_VERSION;
}

/** Replaces the board's whole projection with `change` (a whole one), in one transaction. */
export async function replaceBoardProjection(
  db: Kysely<Database>,
  boardId: string,
  change: ProjectionChange,
  now = new Date(),
): Promise<void> {
  const batch = new ProjectionBatch();
  batch.add(change);
  await db.transaction().execute((trx) => writeProjections(trx, new Map([[boardId, batch]]), now));
}

/** The board's projected rows, table by table in id order: what a test compares with a fresh read. */
export async function readBoardProjection(
  db: Kysely<Database>,
  boardId: string,
): Promise<Record<ProjectedCollection, Record<string, unknown>[]>> {
  const result = {} as Record<ProjectedCollection, Record<string, unknown>[]>;
  for (const collection of PROJECTED_COLLECTIONS) {
    result[collection] = await db
      .selectFrom(PROJECTION_TABLES[collection])
      .selectAll()
      .where('board_id', '=', boardId)
      .orderBy('id')
      .execute();
  }
  return result;
}
