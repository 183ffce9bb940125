import { sql, type Kysely } from 'kysely';

/*
 * Versions of a board (versions/boardVersions.ts): the board's document as it was, never changed
 * once written: a whole copy (a keyframe), or what changed since a keyframe, which the database keeps
 * for as long as a version is encoded against it. Compaction folds the update log and drops deleted
 * content, but never touches a version, which needs nothing but itself and its keyframe to be read.
 * Automatic versions are thinned by the retention policy; labelled ones are kept for as long as the board.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('board_versions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('labelled', 'automatic')`))
    .addColumn('label', 'text', (c) => c.check(sql`(kind = 'labelled') = (label is not null)`))
    // The whole document (a keyframe), or what changed since `base_id`'s: the two make the version.
    .addColumn('state', 'bytea', (c) => c.notNull())
    .addColumn('base_id', 'bigint', (c) => c.references('board_versions.id'))
    // The version's Yjs state vector: what a later version is encoded against.
    .addColumn('state_vector', 'bytea', (c) => c.notNull())
    .addColumn('saved_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Who saved it (null for the server's own); their name as it was then.
    .addColumn('saved_by_id', 'text')
    .addColumn('saved_by_name', 'text')
    // The names of those whose changes it holds since the version before it.
    .addColumn('authors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema.createIndex('board_versions_base_idx').on('board_versions').column('base_id').execute();
  await db.schema
    .createIndex('board_versions_board_idx')
    .on('board_versions')
    .columns(['board_id', 'saved_at'])
    .execute();
  // Never rewritten: the database refuses an update (retention deletes automatic ones).
  await sql`
    create function board_versions_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'a board version is never changed once saved';
    end $$`.execute(db);
  await sql`
    create trigger board_versions_no_update before update on board_versions
    for each row execute function board_versions_immutable()`.execute(db);
  // A restore from a version is noted in the trail too, beside the changes it made.
  await sql`alter table audit_events drop constraint audit_events_event_check`.execute(db);
  await sql`alter table audit_events add constraint audit_events_event_check
    check (event in ('change', 'open', 'restore'))`.execute(db);
  // Who changed a board since when: the authors of a version, and which boards changed today.
  await db.schema
    .createIndex('audit_events_board_at_idx')
    .on('audit_events')
    .columns(['board_id', 'at'])
    .where(sql.ref('event'), '=', 'change')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists audit_events_board_at_idx`.execute(db);
  await sql`alter table audit_events drop constraint audit_events_event_check`.execute(db);
  await sql`alter table audit_events add constraint audit_events_event_check
    check (event in ('change', 'open'))`.execute(db);
  await db.schema.dropTable('board_versions').execute();
  await sql`drop function board_versions_immutable()`.execute(db);
}
