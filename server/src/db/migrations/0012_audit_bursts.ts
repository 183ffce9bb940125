import { sql, type Kysely } from 'kysely';

/*
 * Typing is kept in the audit trail as bursts (audit/typingBursts.ts): the first row of a burst
 * holds the text before and after, each later keystroke only its splice of the text. Rows written
 * before this stay as they are (the trail is append-only); each reads as an entry of its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('audit_events')
    .addColumn('burst', 'text')
    .addColumn('splice', 'jsonb')
    .execute();
  // A burst's later rows, read in order when the trail is read.
  await sql`create index audit_events_burst_idx on audit_events (burst, id) where splice is not null`.execute(
    db,
  );
  // The History panel's entries: every row but a burst's later ones.
  await sql`drop index if exists audit_events_record_idx`.execute(db);
  await sql`
    create index audit_events_record_idx on audit_events (board_id, record_type, record_id, id)
    where splice is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists audit_events_record_idx`.execute(db);
  await sql`drop index if exists audit_events_burst_idx`.execute(db);
  await db.schema.alterTable('audit_events').dropColumn('burst').dropColumn('splice').execute();
  await db.schema
    .createIndex('audit_events_record_idx')
    .on('audit_events')
    .columns(['board_id', 'record_type', 'record_id', 'id'])
    .execute();
}
