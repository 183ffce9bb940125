import type { Kysely } from 'kysely';

/*
 * The relational projection of every board's document: one row per record, for the queries that look
 * across boards (My work, the managers' progress, reminders, exports). Derived from the document, which
 * stays the source of truth; a record that fails validation is projected with its problems, never left
 * out. The columns are what those queries filter and group on; `record` holds the rest of the record
 * (its shared text left out), and `problems` is null for a valid record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('board_projections')
    .addColumn('board_id', 'text', (c) => c.primaryKey().references('boards.id').onDelete('cascade'))
    .addColumn('projected_at', 'timestamptz', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('projected_actions')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('owner_id', 'text')
    .addColumn('owner_organisation_id', 'text')
    .addColumn('person_id', 'text')
    .addColumn('goal_id', 'text')
    .addColumn('due_date', 'text')
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('problems', 'jsonb')
    .addPrimaryKeyConstraint('projected_actions_pkey', ['board_id', 'id'])
    .execute();
  await db.schema.createIndex('projected_actions_owner').on('projected_actions').column('owner_id').execute();

  await db.schema
    .createTable('projected_people')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('risk', 'text')
    .addColumn('frailty_score', 'integer')
    .addColumn('key_worker_id', 'text')
    .addColumn('stage_id', 'text')
    .addColumn('stage_entered_at', 'timestamptz')
    .addColumn('archived', 'boolean')
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('problems', 'jsonb')
    .addPrimaryKeyConstraint('projected_people_pkey', ['board_id', 'id'])
    .execute();

  await db.schema
    .createTable('projected_goals')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text')
    .addColumn('status', 'text')
    .addColumn('target_date', 'text')
    .addColumn('lead_organisation_id', 'text')
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('problems', 'jsonb')
    .addPrimaryKeyConstraint('projected_goals_pkey', ['board_id', 'id'])
    .execute();

  await db.schema
    .createTable('projected_stages')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('position', 'double precision')
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('problems', 'jsonb')
    .addPrimaryKeyConstraint('projected_stages_pkey', ['board_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['projected_stages', 'projected_goals', 'projected_people', 'projected_actions'])
    await db.schema.dropTable(table).execute();
  await db.schema.dropTable('board_projections').execute();
}
