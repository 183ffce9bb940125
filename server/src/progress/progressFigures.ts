import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { BoardSummary } from '#shared/boards';
import {
  PROGRESS_TIME_ZONE,
  periodsOf,
  ukToday,
  type ActionFigures,
  type Compared,
  type OrganisationFigures,
  type Period,
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
    };
    if (scope.boardIds.length === 0) return empty;
    const [opened, completedNow, completedBefore, acceptNow, acceptBefore, overdueNow, byOrganisation] =
      await Promise.all([
        this.#opened(scope, period, previous),
        this.#completed(scope, period),
        this.#completed(scope, previous),
        this.#toAccept(scope, period),
        this.#toAccept(scope, previous),
        this.#overdue(scope, today),
        this.#byOrganisation(scope, today),
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
    };
  }

  /** Actions made in the period and in the one before. */
  async #opened(scope: Scope, period: Period, previous: Period): Promise<Compared> {
    const now = bounds(period);
    const before = bounds(previous);
    const { rows } = await sql<{ now: string; before: string }>`
      select count(*) filter (where t.at >= ${now.start}) as now,
             count(*) filter (where t.at < ${now.start}) as before
      from record_transitions t
      join projected_actions a on a.board_id = t.board_id and a.id = t.record_id
      where t.collection = 'actions' and t.kind = 'created'
        and t.at >= ${before.start} and t.at < ${now.end}
        and ${actionInScope(scope)}`.execute(this.db);
    return { now: Number(rows[0]?.now ?? 0), before: Number(rows[0]?.before ?? 0) };
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
      with last_status as (
        select distinct on (t.board_id, t.record_id) t.board_id, t.record_id, t.to_value, t.at
        from record_transitions t
        join projected_actions a on a.board_id = t.board_id and a.id = t.record_id
        where t.collection = 'actions' and t.kind in ('created', 'status') and t.at < ${end}
          and ${actionInScope(scope)}
        order by t.board_id, t.record_id, t.at desc, t.id desc
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
        where d.to_value = 'done' and d.at >= ${start}
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
