import { sql, type Kysely } from 'kysely';
import { statusRuns } from '../../projection/statusRuns.ts';

/*
 * Each action's status rows of `record_transitions` (kinds 'created' and 'status') say, beside when
 * the status began (`at`):
 * - `status_until`: when the next status row begins; null for the status it has now;
 * - `status_since`: when the status before it began (null for the first), so "proposed until
 *   accepted" is one row's two times;
 * - `made_at`: when the action was made (its first 'created' row);
 * - `taken_on_at`: the last time, up to this row, it was accepted (or made already taken on).
 * The progress page reads "done at the end of the period", "open and overdue at the end of each
 * week", "days to accept" and "days to done" from them directly, where it otherwise ordered every
 * action's history on each query. The projection keeps them exact as it writes history
 * (projectionTables.ts), in the same transaction; here they are filled in for the history there is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('record_transitions')
    .addColumn('status_until', 'timestamptz')
    .addColumn('status_since', 'timestamptz')
    .addColumn('made_at', 'timestamptz')
    .addColumn('taken_on_at', 'timestamptz')
    .execute();
  await sql`
    update record_transitions t
    set status_until = n.status_until, status_since = n.status_since, made_at = n.made_at,
      taken_on_at = n.taken_on_at
    from (${statusRuns()}) n
    where t.id = n.id`.execute(db);
  // The status rows by when they began, with what the progress queries read of them.
  await sql`
    create index record_transitions_status_runs on record_transitions (at)
      include (board_id, record_id, to_value, from_value, status_until, status_since)
      where collection = 'actions' and kind in ('created', 'status')`.execute(db);
  // The open statuses by when they ended (null: still open), for what was open at a week's end.
  await sql`
    create index record_transitions_open_runs on record_transitions (status_until)
      include (board_id, record_id, at, to_value)
      where collection = 'actions' and kind in ('created', 'status')
        and coalesce(to_value, '') not in ('done', 'cancelled')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('record_transitions_open_runs').execute();
  await db.schema.dropIndex('record_transitions_status_runs').execute();
  await db.schema
    .alterTable('record_transitions')
    .dropColumn('status_until')
    .dropColumn('status_since')
    .dropColumn('made_at')
    .dropColumn('taken_on_at')
    .execute();
}
