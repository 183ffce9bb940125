import { sql, type Kysely } from 'kysely';
import { fillProgressRuns } from '../../progress/progressRuns.ts';

/*
 * `progress_runs`: the progress page's read model of actions (progress/progressRuns.ts), one row
 * per status row of an action's history with its UK days, its durations and the action's due date,
 * owner and person as they are now. Filled here for the history there is; the projection keeps it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('progress_runs')
    .addColumn('transition_id', 'bigint', (c) =>
      c.primaryKey().references('record_transitions.id').onDelete('cascade'),
    )
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('status', 'text')
    .addColumn('user_id', 'text')
    // The action's first 'created' row: when it was made, once.
    .addColumn('made', 'boolean', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_on', 'date', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ended_on', 'date')
    .addColumn('days_after_previous', 'float8')
    .addColumn('days_after_taken_on', 'float8')
    .addColumn('due_on', 'date')
    .addColumn('owner_id', 'text')
    .addColumn('owner_organisation_id', 'text')
    .addColumn('person_id', 'text')
    .execute();
  await db.schema
    .createIndex('progress_runs_action')
    .on('progress_runs')
    .columns(['board_id', 'action_id'])
    .execute();
  // Runs by the day they began: actions made, completed and accepted in a period or a week.
  await sql`
    create index progress_runs_started on progress_runs (started_on)
      include (board_id, status, from_status, made, ended_on, due_on, owner_organisation_id)`.execute(db);
  // Open runs by the day they ended (null: open now): what was overdue at each week's end.
  await sql`
    create index progress_runs_open on progress_runs (ended_on)
      include (board_id, started_on, due_on, owner_organisation_id)
      where coalesce(status, '') not in ('done', 'cancelled')`.execute(db);
  await fillProgressRuns(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('progress_runs').execute();
}
