import type { Kysely } from 'kysely';

/*
 * Comments on actions and people, projected like the board's other records (see migration 0005): the
 * columns say what each is on, who wrote it and when, and whether it was edited or withdrawn, for
 * counts and activity across boards. Its words and earlier versions are in `record`; the document
 * stays the source of truth.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('projected_comments')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'timestamptz')
    .addColumn('edited_at', 'timestamptz')
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('problems', 'jsonb')
    .addPrimaryKeyConstraint('projected_comments_pkey', ['board_id', 'id'])
    .execute();
  await db.schema
    .createIndex('projected_comments_subject')
    .on('projected_comments')
    .columns(['board_id', 'subject_type', 'subject_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('projected_comments').execute();
}
