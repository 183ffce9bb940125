import * as Y from 'yjs';
import type { Kysely } from 'kysely';
import { PROJECTED_COLLECTIONS } from '#shared/board/records';
import type { Database } from '../../src/db/schema.ts';
import { projectDocument } from '../../src/projection/boardProjection.ts';
import { projectionRow, readBoardProjection } from '../../src/projection/projectionTables.ts';
import { storedBoard } from '../../src/storage/postgresBoardStorage.ts';

/** A projected row as the database gives it back, with its collection: what two projections compare by. */
export type ComparableRow = Record<string, unknown> & { collection: string; id: string };

const order = (a: ComparableRow, b: ComparableRow) =>
  a.collection.localeCompare(b.collection) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The board's projection in the database, every table, in one order. */
export async function storedProjection(db: Kysely<Database>, boardId: string): Promise<ComparableRow[]> {
  const tables = await readBoardProjection(db, boardId);
  return PROJECTED_COLLECTIONS.flatMap((collection) =>
    tables[collection].map((row) => ({ collection, ...row }) as ComparableRow),
  ).sort(order);
}

/** The projection's timestamp columns, in any table. */
const TIMESTAMP_COLUMNS = ['created_at', 'completed_at', 'stage_entered_at', 'edited_at', 'withdrawn_at'];

/** A fresh projection of `doc`, as the database would give its rows back. */
export function freshProjection(boardId: string, doc: Y.Doc): ComparableRow[] {
  return projectDocument(doc)
    .map((record) => {
      const row: Record<string, unknown> = {
        collection: record.collection,
        ...projectionRow(boardId, record),
      };
      // Timestamps are written as text and read back as Dates.
      for (const column of TIMESTAMP_COLUMNS)
        if (typeof row[column] === 'string') row[column] = new Date(row[column]);
      return row as ComparableRow;
    })
    .sort(order);
}

/** The board's document as stored (its snapshot and log). */
export async function storedDocument(db: Kysely<Database>, boardId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const part of (await storedBoard(db, boardId)).parts) Y.applyUpdate(doc, part);
  return doc;
}
