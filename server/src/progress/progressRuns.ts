import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { PROGRESS_TIME_ZONE } from '#shared/progress';
import type { Database } from '../db/schema.ts';
import { statusRuns } from '../projection/statusRuns.ts';

/*
 * `progress_runs` (migration 0010): the progress page's read model of actions, one row per status
 * row of an action's history (made, and each change of status), with what the page's figures read
 * worked out once when it is written: the UK day it began and ended, how many days it came after the
 * status before it and after the action was taken on, and the action's due date, owner and person
 * as they are now. The page counts and takes medians over these narrow rows by their own indexes,
 * where reading the history itself meant joining every action and converting every instant to a UK
 * day on each query.
 *
 * The projection keeps it exact in the same transaction as the history and the projected actions
 * (projectionTables.ts): every action whose row or history a write touches has its runs written
 * again, and a board projected whole has all of its runs written again.
 */

/**
 * The condition, on a run (its columns named after `prefix`, as `r.`), that it was overdue for a
 * while: open (not done or cancelled) and lasting past its action's due date. Migration 0010 indexes
 * these runs; a query reads them by that index when it states the condition as it is written here.
 */
export const overdueRun = (prefix = 'r.'): RawBuilder<boolean> =>
  sql.raw(`coalesce(${prefix}status, '') not in ('done', 'cancelled')
    and ${prefix}due_on is not null and (${prefix}ended_on is null or ${prefix}ended_on > ${prefix}due_on)`);

/** An action, by board and id. */
export interface ActionKey {
  board_id: string;
  record_id: string;
}

/** A UK calendar day, as a date, of an instant. */
const ukDay = (instant: RawBuilder<unknown>) => sql`(${instant} at time zone ${PROGRESS_TIME_ZONE})::date`;

/**
 * A due date ('YYYY-MM-DD') as a date, or null for text that is not a real day: checked by pattern,
 * then by building the day from its first of the month (which never fails) and reading it back, so
 * 30 February is null rather than an error.
 */
const dueDay = (text: RawBuilder<unknown>) => sql`case
    when ${text} ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
      and to_char((substr(${text}, 1, 8) || '01')::date + (substr(${text}, 9, 2)::int - 1), 'YYYY-MM-DD') = ${text}
    then (${text})::date
  end`;

/** Days between two instants, as a fraction. */
const daysBetween = (from: RawBuilder<unknown>, to: RawBuilder<unknown>) =>
  sql`extract(epoch from (${to} - ${from}))::float8 / 86400`;

/**
 * The runs of the actions `narrow` chooses (a condition on `r`, record_transitions, true or false for
 * all of an action's rows alike), as `progress_runs` keeps them, each with the times of its run
 * (statusRuns). An action no longer on its board has none.
 */
const runRows = (narrow: RawBuilder<boolean>) => sql`
  select r.id as transition_id, r.board_id, r.record_id as action_id, r.kind, r.from_value as from_status,
    r.to_value as status, r.user_id,
    r.kind = 'created' and r.id = first_value(r.id) over made as made,
    r.at as started_at, ${ukDay(sql`r.at`)} as started_on,
    r.status_until as ended_at, ${ukDay(sql`r.status_until`)} as ended_on,
    ${daysBetween(sql`r.status_since`, sql`r.at`)} as days_after_previous,
    ${daysBetween(sql`coalesce(r.taken_on_at, r.made_at, r.at)`, sql`r.at`)} as days_after_taken_on,
    ${dueDay(sql`a.due_date`)} as due_on, a.owner_id, a.owner_organisation_id, a.person_id
  from (${statusRuns(sql``, narrow)}) r
  join projected_actions a on a.board_id = r.board_id and a.id = r.record_id
  window made as (partition by r.board_id, r.record_id, r.kind = 'created' order by r.at, r.id)`;

const COLUMNS = sql`(transition_id, board_id, action_id, kind, from_status, status, user_id, made,
  started_at, started_on, ended_at, ended_on, days_after_previous, days_after_taken_on, due_on,
  owner_id, owner_organisation_id, person_id)`;

/** Writes the runs of every action there is: what migration 0010 fills the new table with. */
export async function fillProgressRuns(db: Kysely<unknown>): Promise<void> {
  await sql`insert into progress_runs ${COLUMNS} ${runRows(sql`true`)}`.execute(db);
}

/** How many actions one statement writes again. */
const CHUNK = 500;

/** What a write did to actions, for their runs. */
export interface TouchedActions {
  /** Actions with new status rows: their runs are written again. */
  rewritten: readonly ActionKey[];
  /** Actions whose row alone was written: their runs take its due date, owner and person. */
  updated: readonly ActionKey[];
  /** Actions no longer on their board: their runs go. */
  removed: readonly ActionKey[];
}

/** The actions as a table `c(board_id, record_id)`, for a join. */
const keysOf = (actions: readonly ActionKey[]) =>
  sql`(values ${sql.join(actions.map((a) => sql`(${a.board_id}, ${a.record_id})`))}) as c(board_id, record_id)`;

/**
 * Keeps the runs of the actions a write touched, and of every action on the boards it projected
 * whole, inside `trx`: what the projection calls after writing their rows and history. An action
 * whose title or notes changed costs one index lookup, and changes no run.
 */
export async function refreshProgressRuns(
  trx: Transaction<Database> | Kysely<Database>,
  touched: TouchedActions,
  boardIds: readonly string[] = [],
): Promise<void> {
  if (boardIds.length > 0) {
    await sql`delete from progress_runs where board_id in (${sql.join(boardIds)})`.execute(trx);
    await sql`insert into progress_runs ${COLUMNS}
      ${runRows(sql`r.board_id in (${sql.join(boardIds)})`)}`.execute(trx);
  }
  const whole = new Set(boardIds);
  const notWhole = (list: readonly ActionKey[]) => list.filter((a) => !whole.has(a.board_id));
  const chunks = (list: readonly ActionKey[]) =>
    Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));
  for (const chunk of chunks(notWhole([...touched.rewritten, ...touched.removed]))) {
    await sql`delete from progress_runs p using ${keysOf(chunk)}
      where p.board_id = c.board_id and p.action_id = c.record_id`.execute(trx);
  }
  for (const chunk of chunks(notWhole(touched.rewritten))) {
    await sql`insert into progress_runs ${COLUMNS}
      ${runRows(sql`(r.board_id, r.record_id) in (select * from ${keysOf(chunk)})`)}`.execute(trx);
  }
  for (const chunk of chunks(notWhole(touched.updated))) {
    await sql`
      update progress_runs p
      set due_on = n.due_on, owner_id = n.owner_id, owner_organisation_id = n.owner_organisation_id,
        person_id = n.person_id
      from (
        select a.board_id, a.id, ${dueDay(sql`a.due_date`)} as due_on, a.owner_id,
          a.owner_organisation_id, a.person_id
        from projected_actions a join ${keysOf(chunk)} on a.board_id = c.board_id and a.id = c.record_id
      ) n
      where p.board_id = n.board_id and p.action_id = n.id
        and (p.due_on, p.owner_id, p.owner_organisation_id, p.person_id)
          is distinct from (n.due_on, n.owner_id, n.owner_organisation_id, n.person_id)`.execute(trx);
    // An action whose history was written before its row (none of its runs could be) gains them now.
    await sql`insert into progress_runs ${COLUMNS}
      ${runRows(sql`(r.board_id, r.record_id) in (select * from ${keysOf(chunk)})
        and not exists (select 1 from progress_runs p where p.board_id = r.board_id and p.action_id = r.record_id)`)}`.execute(
      trx,
    );
  }
}
