import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { BoardSummary } from '#shared/boards';
import { addDays, daysBetween } from '#shared/board/record';
import {
  periodsOf,
  ukToday,
  type Compared,
  type ListedFigure,
  type Period,
  type ProgressChoice,
  type ProgressChoices,
  type ProgressFigures,
  type ProgressQuery,
  type StageFigures,
  type WeekFigures,
} from '#shared/progress';
import type { Database } from '../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import type { AccessPolicy } from '../access/AccessPolicy.ts';
import { isRefusal, refuse, type Refusal } from '../refusal.ts';
import {
  narrowsPeople,
  onBoards,
  openByOrganisation,
  personInScope,
  runInScope,
  completedSet,
  figureSet,
  type FigureContext,
  type Scope,
} from './figureSets.ts';
import { stageFigures, type StageRow } from './stageFigures.ts';
import { overdueRun } from './progressRuns.ts';

/*
 * The figures of the progress page, read from the projection (how things stand now), the runs of
 * actions (progress_runs) and the history of people and goals (record_transitions), over the boards
 * the caller may see. Days are
 * calendar days in the UK: a period runs from midnight at the start of its first day to midnight at
 * the end of its last, in GMT or BST as the day was. What a figure counts is defined once, in
 * figureSets.ts, for its count here and its list (progressItems.ts).
 */

export const PROGRESS_NOT_ALLOWED = refuse(
  'forbidden',
  'Progress is for managers, admins and the facilitators of a team',
);

/** The Monday on or before a day. */
function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

const days = (value: number | string | null): number | null =>
  value === null ? null : Math.round(Number(value) * 10) / 10;

const percent = (part: number, all: number): number | null =>
  all === 0 ? null : Math.round((part / all) * 100);

/** Keys of the medians to accept: all organisations together, and actions of no known organisation. */
const ALL = '\u0000all';
const NO_ORGANISATION = '\u0000none';

/** The boards, period and scope a query of the page names, for a caller allowed to see them. */
export interface ProgressView {
  /** Every board the caller may see figures of, whatever the filters choose. */
  visible: BoardSummary[];
  boards: BoardSummary[];
  today: string;
  period: Period;
  previous: Period;
  scope: Scope;
}

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

  /** What a query asks for, within what the principal may see. */
  async view(principal: Principal, query: ProgressQuery): Promise<ProgressView | Refusal> {
    // Counted first: a board made or removed meanwhile makes the two differ, never agree wrongly.
    const { n: boardsThereAre } = await this.db
      .selectFrom('boards')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const visible = await this.boards(principal);
    if (isRefusal(visible)) return visible;
    const boards = visible.filter(
      (board) =>
        (query.board === undefined || board.id === query.board) &&
        (query.team === undefined || board.teams.some((team) => team.id === query.team)),
    );
    const today = ukToday(this.now());
    return {
      visible,
      boards,
      today,
      ...periodsOf(query, today),
      scope: {
        boardIds: boards.map((board) => board.id),
        everyBoard: boards.length === Number(boardsThereAre),
        organisationId: query.organisation,
        profession: query.profession,
        risk: query.risk,
        frailty: query.frailty,
      },
    };
  }

  async figures(principal: Principal, query: ProgressQuery): Promise<ProgressFigures | Refusal> {
    const view = await this.view(principal, query);
    if (isRefusal(view)) return view;
    const { scope, period, previous, today } = view;
    const choices = await this.#choices(view.visible);
    const nothing = { now: 0, before: 0 };
    if (scope.boardIds.length === 0)
      return {
        period,
        previous,
        choices,
        today,
        boards: 0,
        actions: {
          opened: nothing,
          completed: nothing,
          completedOnTime: nothing,
          onTimePercent: { now: null, before: null },
          overdueNow: 0,
          medianDaysToAccept: { now: null, before: null },
          medianDaysToDone: { now: null, before: null },
        },
        byOrganisation: [],
        people: { arrivals: nothing, steppedDown: nothing, stages: [] },
        goals: { agreed: nothing, achieved: nothing },
        weeks: [],
      };
    const context: FigureContext = { today };
    const compared = async (figure: ListedFigure): Promise<Compared> => {
      const [now, before] = await Promise.all([
        this.#count(figure, scope, period, context),
        this.#count(figure, scope, previous, context),
      ]);
      return { now, before };
    };
    const [
      opened,
      completedNow,
      completedBefore,
      acceptNow,
      acceptBefore,
      overdueNow,
      byOrganisation,
      arrivals,
      steppedDown,
      agreed,
      achieved,
      stages,
      weeks,
    ] = await Promise.all([
      compared('opened'),
      this.#completed(scope, period),
      this.#completed(scope, previous),
      this.#toAccept(scope, period),
      this.#toAccept(scope, previous),
      this.#count('overdue', scope, period, context),
      this.#byOrganisation(scope, today),
      compared('arrivals'),
      compared('steppedDown'),
      compared('agreed'),
      compared('achieved'),
      this.#stages(scope, today),
      this.#weeks(scope, period, today),
    ]);
    return {
      period,
      previous,
      choices,
      today,
      boards: scope.boardIds.length,
      actions: {
        opened,
        completed: { now: completedNow.count, before: completedBefore.count },
        completedOnTime: { now: completedNow.onTime, before: completedBefore.onTime },
        onTimePercent: {
          now: percent(completedNow.onTime, completedNow.count),
          before: percent(completedBefore.onTime, completedBefore.count),
        },
        overdueNow,
        medianDaysToAccept: {
          now: acceptNow.get(ALL)?.medianDays ?? null,
          before: acceptBefore.get(ALL)?.medianDays ?? null,
        },
        medianDaysToDone: { now: completedNow.medianDays, before: completedBefore.medianDays },
      },
      byOrganisation: [
        ...byOrganisation.map((row) => ({
          ...row,
          medianDaysToAccept: acceptNow.get(row.organisationId ?? NO_ORGANISATION)?.medianDays ?? null,
        })),
        // Organisations that accepted actions in the period and own none open now.
        ...[...acceptNow]
          .filter(
            ([key]) =>
              key !== ALL && !byOrganisation.some((row) => (row.organisationId ?? NO_ORGANISATION) === key),
          )
          .map(([key, { name, medianDays }]) => ({
            organisationId: key === NO_ORGANISATION ? null : key,
            name,
            open: 0,
            overdue: 0,
            medianDaysToAccept: medianDays,
          })),
      ],
      people: { arrivals, steppedDown, stages },
      goals: { agreed, achieved },
      weeks,
    };
  }

  /** The filters' choices: the visible boards and their teams by name, and every organisation. */
  async #choices(visible: readonly BoardSummary[]): Promise<ProgressChoices> {
    const byName = (a: ProgressChoice, b: ProgressChoice) => a.name.localeCompare(b.name, 'en-GB');
    const teams = new Map<string, ProgressChoice>();
    for (const board of visible) for (const team of board.teams) teams.set(team.id, team);
    const organisations = await this.db
      .selectFrom('organisations')
      .select(['id', 'name'])
      .orderBy('name')
      .execute();
    const professions =
      teams.size === 0
        ? []
        : await this.db
            .selectFrom('users')
            .innerJoin('team_memberships', 'team_memberships.user_id', 'users.id')
            .where('team_memberships.team_id', 'in', [...teams.keys()])
            .where('users.profession', '!=', '')
            .select('users.profession')
            .distinct()
            .orderBy('users.profession')
            .execute();
    return {
      boards: visible.map((board) => ({ id: board.id, name: board.name })).sort(byName),
      teams: [...teams.values()].map(({ id, name }) => ({ id, name })).sort(byName),
      organisations,
      professions: professions.map((row) => row.profession),
    };
  }

  /** How many records a figure counts. */
  async #count(figure: ListedFigure, scope: Scope, period: Period, context: FigureContext): Promise<number> {
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from (${figureSet(figure, scope, period, context)}) f`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The actions completed in the period (figureSets.ts), how many on or before their due date (in
   * the UK), and the median days from being taken on to done.
   */
  async #completed(
    scope: Scope,
    period: Period,
  ): Promise<{ count: number; onTime: number; medianDays: number | null }> {
    const { rows } = await sql<{ count: string; on_time: string; median_days: string | null }>`
      select count(*) as count, count(*) filter (where c.on_time) as on_time,
        percentile_cont(0.5) within group (order by c.days) as median_days
      from (${completedSet(scope, period)}) c`.execute(this.db);
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
  async #toAccept(
    scope: Scope,
    period: Period,
  ): Promise<Map<string, { name: string | null; medianDays: number | null }>> {
    const { rows } = await sql<{
      organisation_id: string | null;
      name: string | null;
      median_days: string | null;
      all_orgs: boolean;
    }>`
      with accepted as (
        -- Each acceptance, timed from when the proposal it ended began, for the organisation of
        -- whoever accepted it (its owner's now, when that is not known).
        select coalesce(u.organisation_id, r.owner_organisation_id) as organisation_id,
          r.days_after_previous as days
        from progress_runs r
        left join users u on u.id = r.user_id
        where r.kind = 'status' and r.from_status = 'proposed' and r.status = 'accepted'
          and r.started_on between ${period.from}::date and ${period.to}::date and ${runInScope(scope)}
      )
      select m.organisation_id, o.name, m.median_days, m.all_orgs
      from (
        select organisation_id, percentile_cont(0.5) within group (order by days) as median_days,
          grouping(organisation_id) = 1 as all_orgs
        from accepted
        where days is not null
        group by grouping sets ((organisation_id), ())
      ) m
      left join organisations o on o.id = m.organisation_id`.execute(this.db);
    return new Map(
      rows.map((row) => [
        row.all_orgs ? ALL : (row.organisation_id ?? NO_ORGANISATION),
        { name: row.name, medianDays: days(row.median_days) },
      ]),
    );
  }

  /**
   * Each week the period touches, Monday to Sunday in the UK: actions made, actions completed (as
   * the period's figure counts them), actions open and overdue at its end (or now), and people added
   * and stepped down. Each run (progress_runs) lasts from the day it began to the day it ended, so
   * every count is one pass over the runs, each put in the week (days since the first Monday, over
   * seven) it falls in:
   * - made: an action's first run, by the week it began;
   * - completed: done runs that last past the end of the week they begin in;
   * - overdue at a week's end: an open run, of an action due before today, is overdue at the end of
   *   each week from the later of the week it began and the week of its due date, until the week it
   *   ended. The overdue at a week's end are those begun by then less those stopped by then, each
   *   counted week by week and added up.
   */
  async #weeks(scope: Scope, period: Period, today: string): Promise<WeekFigures[]> {
    const monday = mondayOf(period.from);
    const last = period.to < today ? period.to : today;
    if (last < monday) return [];
    const count = Math.floor(daysBetween(monday, last) / 7) + 1;
    const first = sql`${monday}::date`;
    const end = sql`${addDays(monday, 7 * count)}::date`;
    const weekOf = (day: RawBuilder<unknown>) => sql`((${day} - ${first}) / 7)`;
    // People added and stepped down, as their figures count them over the weeks, each in its week,
    // counted beside the actions' weeks.
    const weeksOf = { from: monday, to: last };
    const context = { today };
    const people = Promise.all(
      (['arrivals', 'steppedDown'] as const).map(async (figure) => {
        const { rows: found } = await sql<{ at: Date | string }>`
          select f.at from (${figureSet(figure, scope, weeksOf, context)}) f`.execute(this.db);
        const byWeek = new Map<string, number>();
        for (const { at } of found) {
          const week = mondayOf(ukToday(new Date(at)));
          byWeek.set(week, (byWeek.get(week) ?? 0) + 1);
        }
        return byWeek;
      }),
    );
    const actions = sql<{
      week: number;
      opened: string;
      completed: string;
      began: string;
      stopped: string;
    }>`
      with made as (
        select ${weekOf(sql`r.started_on`)} as week, count(*) as n from progress_runs r
        where r.made and r.started_on >= ${first} and r.started_on < ${end} and ${runInScope(scope)}
        group by 1
      ),
      done as (
        select ${weekOf(sql`r.started_on`)} as week, count(*) as n from progress_runs r
        where r.status = 'done' and r.started_on >= ${first} and r.started_on < ${end}
          and (r.ended_on is null or r.ended_on >= ${first} + 7 * (${weekOf(sql`r.started_on`)} + 1))
          and ${runInScope(scope)}
        group by 1
      ),
      overdue as (
        -- A run begun, or an action due, before the first week counts from the first (week 0).
        select greatest(${weekOf(sql`r.started_on`)}, ${weekOf(sql`r.due_on`)}, 0) as began,
          ${weekOf(sql`r.ended_on`)} as stopped
        from progress_runs r
        where ${overdueRun()} and (r.ended_on is null or r.ended_on >= ${first})
          and r.started_on < ${end} and r.due_on < ${today}::date and ${runInScope(scope)}
      ),
      began as (
        select o.began as week, count(*) as n from overdue o
        where o.stopped is null or o.began < o.stopped
        group by o.began
      ),
      stopped as (
        select o.stopped as week, count(*) as n from overdue o
        where o.stopped is not null and o.began < o.stopped
        group by o.stopped
      )
      select w.week, coalesce(made.n, 0) as opened, coalesce(done.n, 0) as completed,
        sum(coalesce(began.n, 0)) over (order by w.week) as began,
        sum(coalesce(stopped.n, 0)) over (order by w.week) as stopped
      from generate_series(0, ${count - 1}) w(week)
      left join made on made.week = w.week
      left join done on done.week = w.week
      left join began on began.week = w.week
      left join stopped on stopped.week = w.week
      order by w.week`.execute(this.db);
    const [[arrivals, steppedDown], { rows }] = await Promise.all([people, actions]);
    return rows.map((row) => {
      const weekStart = addDays(monday, 7 * Number(row.week));
      return {
        weekStart,
        opened: Number(row.opened),
        completed: Number(row.completed),
        overdue: Number(row.began) - Number(row.stopped),
        arrivals: arrivals!.get(weekStart) ?? 0,
        steppedDown: steppedDown!.get(weekStart) ?? 0,
      };
    });
  }

  /** Each owner's organisation's open and overdue actions now (figureSets.ts), most open first. */
  async #byOrganisation(
    scope: Scope,
    today: string,
  ): Promise<{ organisationId: string | null; name: string | null; open: number; overdue: number }[]> {
    const { rows } = await sql<{
      organisation_id: string | null;
      name: string | null;
      open: string;
      overdue: string;
    }>`
      select f.organisation_id, o.name, f.open, f.overdue
      from (${openByOrganisation(scope, today)}) f
      left join organisations o on o.id = f.organisation_id
      order by f.open desc, o.name`.execute(this.db);
    return rows.map((row) => ({
      organisationId: row.organisation_id,
      name: row.name,
      open: Number(row.open),
      overdue: Number(row.overdue),
    }));
  }

  /** Each stage of the pathway, stages of one name on every board together, in pathway order. */
  async #stages(scope: Scope, today: string): Promise<StageFigures[]> {
    const { rows } = await sql<StageRow>`
      select s.board_id, s.id as stage_id, s.name, s.position, s.record->>'limit' as limit,
        p.stage_entered_at as entered_at, p.id as person_id,
        ${narrowsPeople(scope) ? sql`coalesce(${personInScope(scope)}, false)` : sql`true`} as in_scope
      from projected_stages s
      left join projected_people p on p.board_id = s.board_id and p.stage_id = s.id
        and p.problems is null and p.archived is not true
      where ${onBoards(scope, 's.board_id')} and s.problems is null
      order by s.position, s.name`.execute(this.db);
    return stageFigures(rows, today);
  }
}
