import { sql, type Kysely } from 'kysely';
import { fillProgressRuns, overdueRun } from '../../progress/progressRuns.ts';

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
  // One index for each kind of run the page counts, holding what it reads of them, so each count
  // reads only its own runs (and, once vacuumed, only the index).
  const scope = 'board_id, owner_organisation_id, owner_id, person_id';
  // Actions made, by the day.
  await sql`
    create index progress_runs_made on progress_runs (started_on)
      include (started_at, ${sql.raw(scope)}) where made`.execute(db);
  // Completions, by the day.
  await sql`
    create index progress_runs_done on progress_runs (started_on)
      include (started_at, ended_on, due_on, days_after_taken_on, ${sql.raw(scope)})
      where status = 'done'`.execute(db);
  // Acceptances of a proposal, by the day.
  await sql`
    create index progress_runs_accepted on progress_runs (started_on)
      include (user_id, days_after_previous, ${sql.raw(scope)})
      where kind = 'status' and from_status = 'proposed' and status = 'accepted'`.execute(db);
  // Open runs that lasted past their action's due date, by the day they ended (null: open now):
  // what was overdue at each week's end.
  await sql`
    create index progress_runs_overdue on progress_runs (ended_on)
      include (started_on, due_on, ${sql.raw(scope)})
      where ${overdueRun('')}`.execute(db);
  // Actions open now by due date: the open and overdue lists take their first few hundred in order.
  await sql`
    create index projected_actions_open_by_due on projected_actions (due_date, board_id, id)
      where problems is null and status not in ('done', 'cancelled')`.execute(db);
  await fillProgressRuns(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('projected_actions_open_by_due').execute();
  await db.schema.dropTable('progress_runs').execute();
}
