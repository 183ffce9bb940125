import { sql, type Kysely } from 'kysely';

/*
 * The projection's version and its history.
 *
 * - `board_projections.version` is the version of the projection code that last wrote a board's rows
 *   whole. A board whose version is behind (never projected, projected before a new column, or whose
 *   rows the database once refused) is projected again from its document when it is next opened.
 * - `record_transitions` holds when things happened to records: when an action was proposed,
 *   accepted, completed, cancelled or reassigned, when a person entered each stage, when a goal was
 *   achieved. The document keeps only where each record is now; this is the history that My work and
 *   the managers' trends read. `source` says whether a row was seen as the change happened
 *   ('change') or read off a document's timestamps when the board was first projected ('document').
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('board_projections')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('record_transitions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  // One row per thing that happened: a history read off the document again adds nothing twice.
  await sql`create unique index record_transitions_once on record_transitions
    (board_id, collection, record_id, kind, at, coalesce(to_value, ''))`.execute(db);
  await db.schema.createIndex('record_transitions_at').on('record_transitions').column('at').execute();
  await db.schema
    .createIndex('projected_actions_owner_organisation')
    .on('projected_actions')
    .column('owner_organisation_id')
    .execute();
  await db.schema
    .createIndex('projected_actions_created_by')
    .on('projected_actions')
    .column('created_by_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('projected_actions_created_by').execute();
  await db.schema.dropIndex('projected_actions_owner_organisation').execute();
  await db.schema.dropTable('record_transitions').execute();
  await db.schema.alterTable('board_projections').dropColumn('version').execute();
}
