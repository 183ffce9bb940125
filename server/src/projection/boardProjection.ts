import type { Insertable, Kysely, Transaction } from 'kysely';
import type * as Y from 'yjs';
import { COLLECTION_NAMES, COLLECTIONS, readBoardRecord, type CollectionName } from '#shared/board/records';
import type {
  Database,
  ProjectedActionsTable,
  ProjectedGoalsTable,
  ProjectedPeopleTable,
  ProjectedStagesTable,
} from '../db/schema.ts';
import { storable, storableText } from '../db/storable.ts';
import { jsonValue } from '../sync/documentValue.ts';

/*
 * The relational projection of a board's document: one row per record, in a table per collection,
 * for the queries that look across boards. The document stays the source of truth: a projection is
 * always what a fresh read of the document gives, and a record that fails validation is projected
 * with its problems (it needs attention), never left out.
 */

/** One record as its collection's table keeps it. */
export type ProjectedRecord =
  | { collection: 'actions'; row: Insertable<ProjectedActionsTable> }
  | { collection: 'people'; row: Insertable<ProjectedPeopleTable> }
  | { collection: 'goals'; row: Insertable<ProjectedGoalsTable> }
  | { collection: 'pathwayStages'; row: Insertable<ProjectedStagesTable> };

const TABLES = {
  actions: 'projected_actions',
  people: 'projected_people',
  goals: 'projected_goals',
  pathwayStages: 'projected_stages',
} as const satisfies Record<CollectionName, keyof Database>;

/** Rows per insert: well inside Postgres's 65,535 parameters for the widest table (13 columns). */
const INSERT_CHUNK = 1_000;

/**
 * A field as its column keeps it: a value of the column's type, or null (an invalid record's field
 * may be anything), text as Postgres can hold it (a client can put NUL or half a symbol in a string).
 */
const text = (value: unknown): string | null => (typeof value === 'string' ? storableText(value) : null);
const integer = (value: unknown): number | null => (Number.isInteger(value) ? (value as number) : null);
const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const instant = (value: unknown): Date | null => {
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
};

/**
 * One record of `collection` as its table keeps it, from the document's value under `id` (a
 * `Y.Map` of fields, or whatever an old or hostile client left there).
 */
export function projectRecord(
  boardId: string,
  collection: CollectionName,
  id: string,
  value: unknown,
): ProjectedRecord {
  const read = readBoardRecord<Record<string, unknown>>(collection, id, value);
  const fields: Record<string, unknown> = read.ok ? read.value : read.raw;
  const kept = Object.fromEntries(
    Object.entries(fields).filter(
      ([field]) => field !== 'id' && !COLLECTIONS[collection].textFields.includes(field),
    ),
  );
  const common = {
    board_id: boardId,
    id: storableText(id),
    record: JSON.stringify(storable(jsonValue(kept))),
    problems: read.ok ? null : JSON.stringify(storable(read.problems)),
  };
  const f = fields;
  switch (collection) {
    case 'actions':
      return {
        collection,
        row: {
          ...common,
          status: text(f.status),
          owner_id: text(f.ownerId),
          owner_organisation_id: text(f.ownerOrganisationId),
          person_id: text(f.personId),
          goal_id: text(f.goalId),
          due_date: text(f.dueDate),
          created_by_id: text(f.createdById),
          created_at: instant(f.createdAt),
          completed_at: instant(f.completedAt),
        },
      };
    case 'people':
      return {
        collection,
        row: {
          ...common,
          name: text(f.name),
          risk: text(f.risk),
          frailty_score: integer(f.frailtyScore),
          key_worker_id: text(f.keyWorkerId),
          stage_id: text(f.stageId),
          stage_entered_at: instant(f.stageEnteredAt),
          archived: flag(f.archived),
        },
      };
    case 'goals':
      return {
        collection,
        row: {
          ...common,
          person_id: text(f.personId),
          status: text(f.status),
          target_date: text(f.targetDate),
          lead_organisation_id: text(f.leadOrganisationId),
        },
      };
    case 'pathwayStages':
      return { collection, row: { ...common, name: text(f.name), position: finite(f.order) } };
  }
}

/** Every record of the board's document, projected. */
export function projectDocument(boardId: string, doc: Y.Doc): ProjectedRecord[] {
  const records: ProjectedRecord[] = [];
  for (const collection of COLLECTION_NAMES) {
    doc
      .getMap(collection)
      .forEach((value, id) => records.push(projectRecord(boardId, collection, id, value)));
  }
  return records;
}

/**
 * Replaces the board's whole projection with `records`, in one transaction: afterwards its tables
 * hold exactly these rows for the board, and `board_projections` says when.
 */
export async function replaceBoardProjection(
  db: Kysely<Database>,
  boardId: string,
  records: readonly ProjectedRecord[],
  now = new Date(),
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const collection of COLLECTION_NAMES) {
      const table = TABLES[collection];
      await trx.deleteFrom(table).where('board_id', '=', boardId).execute();
      const rows = records.filter((r) => r.collection === collection).map((r) => r.row);
      await insertRows(trx, table, rows);
    }
    await trx
      .insertInto('board_projections')
      .values({ board_id: boardId, projected_at: now, records: records.length })
      .onConflict((oc) => oc.column('board_id').doUpdateSet({ projected_at: now, records: records.length }))
      .execute();
  });
}

async function insertRows(
  trx: Transaction<Database>,
  table: (typeof TABLES)[CollectionName],
  rows: readonly ProjectedRecord['row'][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    // Each table's rows are of its own type; the union is narrowed by `collection` above.
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + INSERT_CHUNK) as never)
      .execute();
  }
}
