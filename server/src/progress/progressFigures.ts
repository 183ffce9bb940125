import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { BoardSummary } from '#shared/boards';
import { addDays, daysBetween } from '#shared/board/record';
import {
  DAYS_IN_STAGE_BANDS,
  PROGRESS_TIME_ZONE,
  periodsOf,
  ukToday,
  type ActionFigures,
  type Compared,
  type OrganisationFigures,
  type Period,
  type StageFigures,
  type WeekFigures,
  type ProgressFigures,
  type ProgressQuery,
} from '#shared/progress';
import type { Database } from '../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import type { AccessPolicy } from '../access/AccessPolicy.ts';
import { isRefusal, refuse, type Refusal } from '../refusal.ts';

/*
 * The figures of the progress page, read from the projection (how actions stand now) and the history
 * of what happened to them (record_transitions), over the boards the caller may see. Days are
 * calendar days in the UK: a period runs from midnight at the start of its first day to midnight at
 * the end of its last, in GMT or BST as the day was.
 */

export const PROGRESS_NOT_ALLOWED = refuse(
  'forbidden',
  'Progress is for managers, admins and the facilitators of a team',
);

/** A period as instants: from its first day's midnight to the midnight after its last day. */
function bounds(period: Period): { start: RawBuilder<Date>; end: RawBuilder<Date> } {
  return {
    start: sql<Date>`((${period.from})::date)::timestamp at time zone ${PROGRESS_TIME_ZONE}`,
    end: sql<Date>`((${period.to})::date + 1)::timestamp at time zone ${PROGRESS_TIME_ZONE}`,
  };
}

/** The actions in scope: on these boards, and owned by the organisation when one is chosen. */
interface Scope {
  boardIds: readonly string[];
  organisationId: string | undefined;
}

/** The condition, on an action aliased `a` (projected_actions), that it is in scope. */
function actionInScope(scope: Scope): RawBuilder<boolean> {
  const boards = sql`a.board_id in (${sql.join(scope.boardIds)})`;
  return scope.organisationId === undefined
    ? sql<boolean>`${boards}`
    : sql<boolean>`${boards} and a.owner_organisation_id = ${scope.organisationId}`;
}

/** The Monday on or before a day. */
function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

const compared = ({ rows }: { rows: { now: string; before: string }[] }): Compared => ({
  now: Number(rows[0]?.now ?? 0),
  before: Number(rows[0]?.before ?? 0),
});

const days = (value: number | string | null): number | null =>
  value === null ? null : Math.round(Number(value) * 10) / 10;

export class ProgressQueries {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: AccessPolicy,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The boards whose figures the principal may see: every board an admin or a manager can open, and
   * for anyone else the boards of the teams they facilitate. Refused for someone with none.
   */
  async boards(principal: Principal): Promise<BoardSummary[] | Refusal> {
    const openable = await this.policy.boards(principal);
    if (principal.role === 'admin' || principal.role === 'manager') return openable;
    const facilitated = new Set(await this.policy.facilitatedTeams(principal));
    if (facilitated.size === 0) return PROGRESS_NOT_ALLOWED;
    return openable.filter((board) => board.teams.some((team) => facilitated.has(team.id)));
  }

  async figures(principal: Principal, query: ProgressQuery): Promise<ProgressFigures | Refusal> {
    const visible = await this.boards(principal);
    if (isRefusal(visible)) return visible;
    const chosen = visible.filter(
      (board) =>
        (query.board === undefined || board.id === query.board) &&
        (query.team === undefined || board.teams.some((team) => team.id === query.team)),
    );
    const today = ukToday(this.now());
    const { period, previous } = periodsOf(query, today);
    const scope: Scope = { boardIds: chosen.map((board) => board.id), organisationId: query.organisation };
    const empty: ProgressFigures = {
      period,
      previous,
      today,
      boards: 0,
      actions: {
        opened: { now: 0, before: 0 },
        completed: { now: 0, before: 0 },
        completedOnTime: { now: 0, before: 0 },
        onTimePercent: { now: null, before: null },
        overdueNow: 0,
        medianDaysToAccept: { now: null, before: null },
        medianDaysToDone: { now: null, before: null },
      },
      byOrganisation: [],
      people: { arrivals: { now: 0, before: 0 }, steppedDown: { now: 0, before: 0 }, stages: [] },
      goals: { agreed: { now: 0, before: 0 }, achieved: { now: 0, before: 0 } },
      weeks: [],
    };
    if (scope.boardIds.length === 0) return empty;
    const [
      opened,
      completedNow,
      completedBefore,
      acceptNow,
      acceptBefore,
      overdueNow,
      byOrganisation,
      counted,
      stages,
      weeks,
    ] = await Promise.all([
      this.#opened(scope, period, previous),
      this.#completed(scope, period),
      this.#completed(scope, previous),
      this.#toAccept(scope, period),
      this.#toAccept(scope, previous),
      this.#overdue(scope, today),
      this.#byOrganisation(scope, today),
      this.#peopleAndGoals(scope, period, previous),
      this.#stages(scope, today),
      this.#weeks(scope, period, today),
    ]);
    const percent = (onTime: number, all: number): number | null =>
      all === 0 ? null : Math.round((onTime / all) * 100);
    const actions: ActionFigures = {
      opened,
      completed: { now: completedNow.count, before: completedBefore.count },
      completedOnTime: { now: completedNow.onTime, before: completedBefore.onTime },
      onTimePercent: {
        now: percent(completedNow.onTime, completedNow.count),
        before: percent(completedBefore.onTime, completedBefore.count),
      },
      overdueNow,
      medianDaysToAccept: { now: acceptNow.get(ALL) ?? null, before: acceptBefore.get(ALL) ?? null },
      medianDaysToDone: { now: completedNow.medianDays, before: completedBefore.medianDays },
    };
    return {
      ...empty,
      boards: scope.boardIds.length,
      actions,
      byOrganisation: byOrganisation.map((row) => ({
        ...row,
        medianDaysToAccept: acceptNow.get(row.organisationId ?? NO_ORGANISATION) ?? null,
      })),
      people: { arrivals: counted.arrivals, steppedDown: counted.steppedDown, stages },
      goals: { agreed: counted.agreed, achieved: counted.achieved },
      weeks,
    };
  }

  /** Actions made in the period and in the one before. */
  async #opened(scope: Scope, period: Period, previous: Period): Promise<Compared> {
    const now = bounds(period);
    const before = bounds(previous);
    return compared(
      await sql<{ now: string; before: string }>`
        select count(distinct t.record_id) filter (where t.at >= ${now.start}) as now,
               count(distinct t.record_id) filter (where t.at < ${now.start}) as before
        from record_transitions t
        join projected_actions a on a.board_id = t.board_id and a.id = t.record_id
        where t.collection = 'actions' and t.kind = 'created'
          and t.at >= ${before.start} and t.at < ${now.end}
          and ${actionInScope(scope)}`.execute(this.db),
    );
  }

  /**
   * People added to a board, and people moved to their board's last stage, in the period and the
   * one before; goals agreed and achieved (of the organisation's lead, when one is chosen).
   */
  async #peopleAndGoals(
    scope: Scope,
    period: Period,
    previous: Period,
  ): Promise<{ arrivals: Compared; steppedDown: Compared; agreed: Compared; achieved: Compared }> {
    const now = bounds(period);
    const before = bounds(previous);
    const boards = sql`t.board_id in (${sql.join(scope.boardIds)})`;
    const inPeriods = sql`t.at >= ${before.start} and t.at < ${now.end}`;
    // A record is counted once in a period, even where its history holds the same moment twice
    // (as it happened, and as read off the document's own timestamp when the board was projected again).
    const counts = sql`count(distinct t.record_id) filter (where t.at >= ${now.start}) as now,
                       count(distinct t.record_id) filter (where t.at < ${now.start}) as before`;
    const goalsOf =
      scope.organisationId === undefined
        ? sql`true`
        : sql`exists (select 1 from projected_goals g
                where g.board_id = t.board_id and g.id = t.record_id
                  and g.lead_organisation_id = ${scope.organisationId})`;
    type Counted = { now: string; before: string };
    const [arrivals, steppedDown, agreed, achieved] = await Promise.all([
      sql<Counted>`select ${counts} from record_transitions t
        where ${boards} and ${inPeriods} and t.collection = 'people' and t.kind = 'created'`.execute(this.db),
      sql<Counted>`
        with last_stage as (
          select distinct on (s.board_id) s.board_id, s.id from projected_stages s
          where s.board_id in (${sql.join(scope.boardIds)}) and s.problems is null
          order by s.board_id, s.position desc
        )
        select ${counts} from record_transitions t
        join last_stage l on l.board_id = t.board_id and l.id = t.to_value
        where ${boards} and ${inPeriods} and t.collection = 'people' and t.kind = 'stage'
          and t.from_value is distinct from t.to_value`.execute(this.db),
      sql<Counted>`select ${counts} from record_transitions t
        where ${boards} and ${inPeriods} and t.collection = 'goals' and t.kind = 'created'
          and ${goalsOf}`.execute(this.db),
      sql<Counted>`select ${counts} from record_transitions t
        where ${boards} and ${inPeriods} and t.collection = 'goals' and t.kind = 'status'
          and t.to_value = 'achieved' and ${goalsOf}`.execute(this.db),
    ]);
    return {
      arrivals: compared(arrivals),
      steppedDown: compared(steppedDown),
      agreed: compared(agreed),
      achieved: compared(achieved),
    };
  }

  /** Each stage of the pathway, stages of one name on every board together, in pathway order. */
  async #stages(scope: Scope, today: string): Promise<StageFigures[]> {
    const { rows } = await sql<{
      board_id: string;
      stage_id: string;
      name: string | null;
      position: number | null;
      limit: number | string | null;
      entered_at: Date | string | null;
      person_id: string | null;
    }>`
      select s.board_id, s.id as stage_id, s.name, s.position, s.record->>'limit' as limit,
        p.stage_entered_at as entered_at, p.id as person_id
      from projected_stages s
      left join projected_people p on p.board_id = s.board_id and p.stage_id = s.id
        and p.problems is null and p.archived is not true
      where s.board_id in (${sql.join(scope.boardIds)}) and s.problems is null
      order by s.position, s.name`.execute(this.db);
    return stageFigures(rows, today);
  }

  /**
   * Actions done at the end of the period whose completion was in it (an action reopened before the
   * period ended is not), how many of them on or before their due date, and the median days from
   * being taken on (accepted; for an action made already accepted, made) to done.
   */
  async #completed(
    scope: Scope,
    period: Period,
  ): Promise<{ count: number; onTime: number; medianDays: number | null }> {
    const { start, end } = bounds(period);
    const { rows } = await sql<{ count: string; on_time: string; median_days: string | null }>`
      with done_in as (
        select distinct t.board_id, t.record_id
        from record_transitions t
        join projected_actions a on a.board_id = t.board_id and a.id = t.record_id
        where t.collection = 'actions' and t.kind in ('created', 'status') and t.to_value = 'done'
          and t.at >= ${start} and t.at < ${end}
          and ${actionInScope(scope)}
      ),
      -- How each stood at the period's end: still done (not reopened), and since when.
      last_status as (
        select d.board_id, d.record_id, l.to_value, l.at
        from done_in d
        cross join lateral (
          select s.to_value, s.at from record_transitions s
          where s.board_id = d.board_id and s.collection = 'actions' and s.record_id = d.record_id
            and s.kind in ('created', 'status') and s.at < ${end}
          order by s.at desc, s.id desc
          limit 1
        ) l
      ),
      done as (
        select d.board_id, d.record_id, d.at, a.due_date,
          (select max(s.at) from record_transitions s
            where s.board_id = d.board_id and s.collection = 'actions' and s.record_id = d.record_id
              and s.at <= d.at
              and ((s.kind = 'status' and s.to_value = 'accepted')
                or (s.kind = 'created' and s.to_value in ('accepted', 'in_progress', 'blocked', 'done')))) as taken_on,
          (select min(c.at) from record_transitions c
            where c.board_id = d.board_id and c.collection = 'actions' and c.record_id = d.record_id
              and c.kind = 'created') as made
        from last_status d
        join projected_actions a on a.board_id = d.board_id and a.id = d.record_id
        where d.to_value = 'done'
      )
      select count(*) as count,
        count(*) filter (where to_char(at at time zone ${PROGRESS_TIME_ZONE}, 'YYYY-MM-DD') <= due_date) as on_time,
        percentile_cont(0.5) within group (
          order by extract(epoch from (at - coalesce(taken_on, made, at))) / 86400
        ) as median_days
      from done`.execute(this.db);
    const row = rows[0];
    return {
      count: Number(row?.count ?? 0),
      onTime: Number(row?.on_time ?? 0),
      medianDays: days(row?.median_days ?? null),
    };
  }

  /**
   * The median days from being proposed to being accepted, of acceptances in the period: of all of
   * them (under ALL) and for each owner's organisation.
   */
  async #toAccept(scope: Scope, period: Period): Promise<Map<string, number | null>> {
    const { start, end } = bounds(period);
    const { rows } = await sql<{
      organisation_id: string | null;
      median_days: string | null;
      all_orgs: boolean;
    }>`
      with accepted as (
        select a.owner_organisation_id,
          extract(epoch from (acc.at - (
            select max(p.at) from record_transitions p
            where p.board_id = acc.board_id and p.collection = 'actions' and p.record_id = acc.record_id
              and p.at <= acc.at and p.kind in ('created', 'status') and p.to_value = 'proposed'
          ))) / 86400 as days
        from record_transitions acc
        join projected_actions a on a.board_id = acc.board_id and a.id = acc.record_id
        where acc.collection = 'actions' and acc.kind = 'status'
          and acc.from_value = 'proposed' and acc.to_value = 'accepted'
          and acc.at >= ${start} and acc.at < ${end}
          and ${actionInScope(scope)}
      )
      select owner_organisation_id as organisation_id,
        percentile_cont(0.5) within group (order by days) as median_days,
        grouping(owner_organisation_id) = 1 as all_orgs
      from accepted
      where days is not null
      group by grouping sets ((owner_organisation_id), ())`.execute(this.db);
    return new Map(
      rows.map((row) => [
        row.all_orgs ? ALL : (row.organisation_id ?? NO_ORGANISATION),
        days(row.median_days),
      ]),
    );
  }

  /**
   * Each week the period touches, Monday to Sunday in the UK: actions made, actions completed (as
   * the period's figure counts them), and actions open and overdue at its end (or now). An action's
   * status over time is read as runs, from each change of status to the next.
   */
  async #weeks(scope: Scope, period: Period, today: string): Promise<WeekFigures[]> {
    const monday = mondayOf(period.from);
    const last = period.to < today ? period.to : today;
    if (last < monday) return [];
    const count = Math.floor(daysBetween(monday, last) / 7) + 1;
    const { rows } = await sql<{ week_start: string; opened: string; completed: string; overdue: string }>`
      with weeks as (
        select to_char(w, 'YYYY-MM-DD') as week_start,
          w::timestamp at time zone ${PROGRESS_TIME_ZONE} as starts,
          least((w + 7)::timestamp at time zone ${PROGRESS_TIME_ZONE}, ${this.now()}::timestamptz) as ends
        from (select ${monday}::date + 7 * i as w from generate_series(0, ${count - 1}) i) mondays
      ),
      in_scope as (
        select a.board_id, a.id, a.due_date from projected_actions a where ${actionInScope(scope)}
      ),
      runs as (
        select t.board_id, t.record_id, t.to_value as status, t.at,
          lead(t.at) over (partition by t.board_id, t.record_id order by t.at, t.id) as until
        from record_transitions t
        join in_scope a on a.board_id = t.board_id and a.id = t.record_id
        where t.collection = 'actions' and t.kind in ('created', 'status')
          and t.at < (select max(ends) from weeks)
      ),
      made as (
        select w.week_start, count(distinct (t.board_id, t.record_id)) as n
        from weeks w
        join record_transitions t on t.at >= w.starts and t.at < w.ends
        join in_scope a on a.board_id = t.board_id and a.id = t.record_id
        where t.collection = 'actions' and t.kind = 'created'
        group by w.week_start
      ),
      done as (
        select w.week_start, count(distinct (r.board_id, r.record_id)) as n
        from weeks w
        join runs r on r.status = 'done' and r.at >= w.starts and r.at < w.ends
          and (r.until is null or r.until >= w.ends)
        group by w.week_start
      ),
      late as (
        select w.week_start, count(distinct (r.board_id, r.record_id)) as n
        from weeks w
        join runs r on r.at < w.ends and (r.until is null or r.until >= w.ends)
        join in_scope a on a.board_id = r.board_id and a.id = r.record_id
        where r.status is distinct from 'done' and r.status is distinct from 'cancelled'
          and a.due_date < to_char(w.ends at time zone ${PROGRESS_TIME_ZONE}, 'YYYY-MM-DD')
        group by w.week_start
      )
      select w.week_start, coalesce(made.n, 0) as opened, coalesce(done.n, 0) as completed,
        coalesce(late.n, 0) as overdue
      from weeks w
      left join made on made.week_start = w.week_start
      left join done on done.week_start = w.week_start
      left join late on late.week_start = w.week_start
      order by w.week_start`.execute(this.db);
    return rows.map((row) => ({
      weekStart: row.week_start,
      opened: Number(row.opened),
      completed: Number(row.completed),
      overdue: Number(row.overdue),
    }));
  }

  /** Open actions (not done or cancelled) whose due date is before today. */
  async #overdue(scope: Scope, today: string): Promise<number> {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from projected_actions a
      where ${actionInScope(scope)} and a.problems is null
        and a.status not in ('done', 'cancelled') and a.due_date < ${today}`.execute(this.db);
    return Number(rows[0]?.count ?? 0);
  }

  /** Each owner's organisation's open and overdue actions now, most open first. */
  async #byOrganisation(
    scope: Scope,
    today: string,
  ): Promise<Omit<OrganisationFigures, 'medianDaysToAccept'>[]> {
    const { rows } = await sql<{
      organisation_id: string | null;
      name: string | null;
      open: string;
      overdue: string;
    }>`
      select a.owner_organisation_id as organisation_id, o.name,
        count(*) as open,
        count(*) filter (where a.due_date < ${today}) as overdue
      from projected_actions a
      left join organisations o on o.id = a.owner_organisation_id
      where ${actionInScope(scope)} and a.problems is null
        and a.status not in ('done', 'cancelled')
      group by a.owner_organisation_id, o.name
      order by count(*) desc, o.name`.execute(this.db);
    return rows.map((row) => ({
      organisationId: row.organisation_id,
      name: row.name,
      open: Number(row.open),
      overdue: Number(row.overdue),
    }));
  }
}

/** Keys of the medians to accept: all organisations together, and actions of no known organisation. */
const ALL = '\u0000all';
const NO_ORGANISATION = '\u0000none';

/** The median of numbers in order, or null for none. */
function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The stages' rows (one per person at a stage, or one for an empty stage) as the page's figures. */
function stageFigures(
  rows: readonly {
    board_id: string;
    stage_id: string;
    name: string | null;
    position: number | null;
    limit: number | string | null;
    entered_at: Date | string | null;
    person_id: string | null;
  }[],
  today: string,
): StageFigures[] {
  type Tally = {
    days: number[];
    people: number;
    boards: Map<string, { limit: number | null; people: number }>;
  };
  const byName = new Map<string, Tally>();
  for (const row of rows) {
    const name = row.name ?? 'Unnamed stage';
    const stage: Tally = byName.get(name) ?? { days: [], people: 0, boards: new Map() };
    byName.set(name, stage);
    const key = `${row.board_id}/${row.stage_id}`;
    const limit = row.limit === null ? null : Number(row.limit);
    const onBoard = stage.boards.get(key) ?? { limit: Number.isInteger(limit) ? limit : null, people: 0 };
    stage.boards.set(key, onBoard);
    if (row.person_id === null) continue;
    stage.people++;
    onBoard.people++;
    if (row.entered_at !== null) {
      const entered = new Date(row.entered_at);
      if (!Number.isNaN(entered.getTime()))
        stage.days.push(Math.max(0, daysBetween(ukToday(entered), today)));
    }
  }
  return [...byName].map(([name, stage]) => {
    const days = [...stage.days].sort((a, b) => a - b);
    const limits = [...stage.boards.values()].filter((b) => b.limit !== null);
    const over = limits.filter((b) => b.people > b.limit!);
    return {
      name,
      people: stage.people,
      limit: limits.length === 0 ? null : limits.reduce((sum, b) => sum + b.limit!, 0),
      boardsOverLimit: over.length,
      peopleOverLimit: over.reduce((sum, b) => sum + b.people - b.limit!, 0),
      daysInStage: {
        median: median(days),
        longest: days.at(-1) ?? null,
        bands: DAYS_IN_STAGE_BANDS.map(
          (band) => days.filter((d) => d >= band.from && (band.to === null || d < band.to)).length,
        ),
      },
    };
  });
}
