import { sql, type Kysely } from 'kysely';
import { statusRuns } from '../../projection/statusRuns.ts';

/*
 * The times of each action's status runs (migration 0009) are worked out where progress_runs is
 * written (migration 0010, progress/progressRuns.ts), which is all that read them: the history no
 * longer keeps them on its own rows, nor the two indexes over them, which every status change had
 * to update.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists record_transitions_open_runs`.execute(db);
  await sql`drop index if exists record_transitions_status_runs`.execute(db);
  await db.schema
    .alterTable('record_transitions')
    .dropColumn('status_until')
    .dropColumn('status_since')
    .dropColumn('made_at')
    .dropColumn('taken_on_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
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
  await sql`
    create index record_transitions_status_runs on record_transitions (at)
      include (board_id, record_id, to_value, from_value, status_until, status_since)
      where collection = 'actions' and kind in ('created', 'status')`.execute(db);
  await sql`
    create index record_transitions_open_runs on record_transitions (status_until)
      include (board_id, record_id, at, to_value)
      where collection = 'actions' and kind in ('created', 'status')
        and coalesce(to_value, '') not in ('done', 'cancelled')`.execute(db);
}
