import { sql, type Kysely } from 'kysely';

/*
 * How long each status of an action lasted: `status_until` on an action's status rows of
 * `record_transitions` (kinds 'created' and 'status') is when its next status row begins, null for
 * the status it has now. The progress page reads "done at the end of the period", "open and overdue at
 * the end of each week" and "proposed until accepted" from it directly, where it otherwise ordered
 * every action's history on each query. The projection keeps it exact as it writes history
 * (projectionTables.ts), in the same transaction; here it is filled in for the history there is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('record_transitions').addColumn('status_until', 'timestamptz').execute();
  await sql`
    update record_transitions t set status_until = n.next_at
    from (
      select id, lead(at) over (partition by board_id, record_id order by at, id) as next_at
      from record_transitions
      where collection = 'actions' and kind in ('created', 'status')
    ) n
    where t.id = n.id and n.next_at is not null`.execute(db);
  // The status rows by when they began, with what the progress queries read of them.
  await sql`
    create index record_transitions_status_runs on record_transitions (at)
      include (board_id, record_id, to_value, from_value, status_until)
      where collection = 'actions' and kind in ('created', 'status')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('record_transitions_status_runs').execute();
  await db.schema.alterTable('record_transitions').dropColumn('status_until').execute();
}
