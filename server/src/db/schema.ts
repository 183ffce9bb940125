import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { OrganisationKind } from '../../../shared/api.ts';

/**
 * Every table, declared once. Migrations create them and queries are typed by them.
 */
export interface Database {
  organisations: OrganisationsTable;
  boards: BoardsTable;
  board_updates: BoardUpdatesTable;
  board_snapshots: BoardSnapshotsTable;
}

export interface OrganisationsTable {
  id: string;
  name: string;
  kind: OrganisationKind;
  created_at: ColumnType<Date, never, never>;
}

export interface BoardsTable {
  id: string;
  name: string;
  created_at: ColumnType<Date, never, never>;
}

/** The append-only Yjs update log; compaction folds rows into `board_snapshots` and deletes them. */
export interface BoardUpdatesTable {
  id: Generated<string>;
  board_id: string;
  update: Uint8Array;
  created_at: ColumnType<Date, never, never>;
}

/** One compacted Yjs state per board. */
export interface BoardSnapshotsTable {
  board_id: string;
  state: Uint8Array;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type BoardRow = Selectable<BoardsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
