import { sql, type RawBuilder } from 'kysely';

/**
 * The times migration 0009 keeps on each action status row of `record_transitions` (until, since,
 * made, taken on), for every action or, with `narrow` (a join on `r`), for some, in the order the
 * history keeps (by time, then as stored).
 */
export const statusRuns = (narrow: RawBuilder<unknown> = sql``) => sql`
  select r.id,
    lead(r.at) over w as status_until,
    lag(r.at) over w as status_since,
    min(r.at) filter (where r.kind = 'created') over (partition by r.board_id, r.record_id) as made_at,
    max(r.at) filter (
      where (r.kind = 'status' and r.to_value = 'accepted')
        or (r.kind = 'created' and r.to_value in ('accepted', 'in_progress', 'blocked', 'done'))
    ) over (w rows between unbounded preceding and current row) as taken_on_at
  from record_transitions r ${narrow}
  where r.collection = 'actions' and r.kind in ('created', 'status')
  window w as (partition by r.board_id, r.record_id order by r.at, r.id)`;
