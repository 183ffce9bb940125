import { sql, type RawBuilder } from 'kysely';

/**
 * Each action status row of `record_transitions` (kinds 'created' and 'status') with the times of its
 * run: when the next status row begins (`status_until`; null for the status it has now), when the
 * one before began (`status_since`), when the action was made (`made_at`) and the last time, up to
 * this row, it was taken on (`taken_on_at`: accepted, or made already taken on). For every action or,
 * with `narrow` (a join on `r`) or `condition` (on `r`), for some, whole: in the order the history
 * keeps (by time, then as stored). progress_runs is written from it (progressRuns.ts).
 */
export const statusRuns = (
  narrow: RawBuilder<unknown> = sql``,
  condition: RawBuilder<boolean> = sql`true`,
) => sql`
  select r.id, r.board_id, r.record_id, r.kind, r.from_value, r.to_value, r.user_id, r.at,
    lead(r.at) over w as status_until,
    lag(r.at) over w as status_since,
    min(r.at) filter (where r.kind = 'created') over (partition by r.board_id, r.record_id) as made_at,
    max(r.at) filter (
      where (r.kind = 'status' and r.to_value = 'accepted')
        or (r.kind = 'created' and r.to_value in ('accepted', 'in_progress', 'blocked', 'done'))
    ) over (w rows between unbounded preceding and current row) as taken_on_at
  from record_transitions r ${narrow}
  where r.collection = 'actions' and r.kind in ('created', 'status') and ${condition}
  window w as (partition by r.board_id, r.record_id order by r.at, r.id)`;
