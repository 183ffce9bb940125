import { sql, type RawBuilder } from 'kysely';
import type { RiskLevel } from '#shared/board/person';
import { PROGRESS_TIME_ZONE, type ListedFigure, type Period } from '#shared/progress';

/*
 * The records behind each figure of the progress page that opens a list: one definition each, which
 * both the figure's count and its list read, so the two always agree. Each is a query of rows
 * (board_id, id, at): the record, and when what is counted happened (null for how things stand now).
 * What happened to actions is read from their runs (progress_runs, progressRuns.ts); to people and
 * goals, from their history (record_transitions); how things stand now, from the projection.
 */

/**
 * The actions, people and goals in scope: on these boards; actions owned in the organisation and goals
 * it leads, when one is chosen; actions whose owner, and people whose key worker, has the profession;
 * and records about people of the risk, and of at least the frailty score, chosen.
 */
export interface Scope {
  boardIds: readonly string[];
  /**
   * The boards are every board there is (an unfiltered view of someone who sees them all), so no
   * list of them need be checked: a list of hundreds of boards costs more than the rows it narrows.
   */
  everyBoard?: boolean;
  organisationId: string | undefined;
  profession?: string | undefined;
  risk?: RiskLevel | undefined;
  frailty?: number | undefined;
}

/** The condition that `column` holds one of the scope's boards. */
export const onBoards = (scope: Scope, column: string): RawBuilder<boolean> =>
  scope.everyBoard ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} in (${sql.join(scope.boardIds)})`;

/** Whether the scope narrows the people a figure is about (risk, frailty, a key worker's profession). */
export const narrowsPeople = (scope: Scope): boolean =>
  scope.risk !== undefined || scope.frailty !== undefined || scope.profession !== undefined;

/** The condition, on a person aliased `alias` (projected_people), that they are of the risk and frailty chosen. */
function personCondition(scope: Scope, alias: string): RawBuilder<boolean>[] {
  const p = sql.ref(alias);
  return [
    ...(scope.risk === undefined ? [] : [sql<boolean>`${p}.risk = ${scope.risk}`]),
    ...(scope.frailty === undefined ? [] : [sql<boolean>`${p}.frailty_score >= ${scope.frailty}`]),
  ];
}

/** Users of the chosen profession, for `in (...)`. */
const ofProfession = (profession: string) =>
  sql`(select u.id from users u where u.profession = ${profession})`;

/** A record's person, aliased `pp`, of the risk and frailty chosen: an `exists` on `board` and `personId`. */
function aboutPersonInScope(
  scope: Scope,
  board: RawBuilder<unknown>,
  personId: RawBuilder<unknown>,
): RawBuilder<boolean>[] {
  const conditions = personCondition(scope, 'pp');
  if (conditions.length === 0) return [];
  return [
    sql<boolean>`exists (select 1 from projected_people pp
      where pp.board_id = ${board} and pp.id = ${personId} and ${sql.join(conditions, sql` and `)})`,
  ];
}

const all = (conditions: RawBuilder<boolean>[]): RawBuilder<boolean> =>
  sql<boolean>`${sql.join(conditions, sql` and `)}`;

/** A period as instants: from its first day's midnight to the midnight after its last day, in the UK. */
export function bounds(period: Period): { start: RawBuilder<Date>; end: RawBuilder<Date> } {
  return {
    start: sql<Date>`((${period.from})::date)::timestamp at time zone ${PROGRESS_TIME_ZONE}`,
    end: sql<Date>`((${period.to})::date + 1)::timestamp at time zone ${PROGRESS_TIME_ZONE}`,
  };
}

/**
 * The condition that an action is in scope, on its row aliased `alias`: projected_actions (`a`), or a
 * run of it (progress_runs, `r`, which keeps its action's owner, organisation and person as they are
 * now under the same names).
 */
function actionInScope(scope: Scope, alias: 'a' | 'r' = 'a'): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return all([
    onBoards(scope, `${alias}.board_id`),
    ...(scope.organisationId === undefined
      ? []
      : [sql<boolean>`${column('owner_organisation_id')} = ${scope.organisationId}`]),
    ...(scope.profession === undefined
      ? []
      : [sql<boolean>`${column('owner_id')} in ${ofProfession(scope.profession)}`]),
    ...aboutPersonInScope(scope, column('board_id'), column('person_id')),
  ]);
}

/** The condition, on a person aliased `p` (projected_people), that they are in scope. */
export function personInScope(scope: Scope): RawBuilder<boolean> {
  return all([
    onBoards(scope, 'p.board_id'),
    ...(scope.profession === undefined
      ? []
      : [sql<boolean>`p.key_worker_id in ${ofProfession(scope.profession)}`]),
    ...personCondition(scope, 'p'),
  ]);
}

/** The condition, on a goal aliased `g` (projected_goals), that it is in scope. */
function goalInScope(scope: Scope): RawBuilder<boolean> {
  return all([
    onBoards(scope, 'g.board_id'),
    ...(scope.organisationId === undefined
      ? []
      : [sql<boolean>`g.lead_organisation_id = ${scope.organisationId}`]),
    ...(scope.profession === undefined
      ? []
      : [
          sql<boolean>`exists (select 1 from projected_people kp where kp.board_id = g.board_id and kp.id = g.person_id
            and kp.key_worker_id in ${ofProfession(scope.profession)})`,
        ]),
    ...aboutPersonInScope(scope, sql`g.board_id`, sql`g.person_id`),
  ]);
}

/**
 * Records whose history has a transition matching `condition` (on `t`) in the period, once each
 * (a history can hold the same moment twice: as it happened, and as read off the document's own
 * timestamps when the board was projected again), at the first such moment.
 */
function happened(
  collection: 'people' | 'goals',
  scope: Scope,
  period: Period,
  condition: RawBuilder<boolean>,
  joined: RawBuilder<unknown> = sql``,
): RawBuilder<FigureRow> {
  const { start, end } = bounds(period);
  const { record, due } = {
    people: {
      record: sql`join projected_people p on p.board_id = t.board_id and p.id = t.record_id and ${personInScope(scope)}`,
      due: sql`null::text`,
    },
    goals: {
      record: sql`join projected_goals g on g.board_id = t.board_id and g.id = t.record_id and ${goalInScope(scope)}`,
      due: sql`min(g.target_date)`,
    },
  }[collection];
  return sql<FigureRow>`
    select t.board_id, t.record_id as id, min(t.at) as at, ${due} as due_date
    from record_transitions t ${record} ${joined}
    where ${onBoards(scope, 't.board_id')} and t.collection = ${collection}
      and t.at >= ${start} and t.at < ${end} and ${condition}
    group by t.board_id, t.record_id`;
}

/** One record behind a figure, with what its list is ordered by: when, then the day it is due. */
export interface FigureRow {
  board_id: string;
  id: string;
  at: Date | string | null;
  /** An action's due date or a goal's target date (`YYYY-MM-DD`); null for a person. */
  due_date: string | null;
}

/** The condition, on a run aliased `r` (progress_runs, progressRuns.ts), that its action is in scope. */
export const runInScope = (scope: Scope): RawBuilder<boolean> => actionInScope(scope, 'r');

/** The condition, on a run aliased `r`, that it began in the period (UK days). */
const startedIn = (period: Period): RawBuilder<boolean> =>
  sql<boolean>`r.started_on between ${period.from}::date and ${period.to}::date`;

/** A completed action, with what its figures need: whether on time, and the days it took. */
export interface CompletedRow extends FigureRow {
  /** Done on or before its due date (a UK day); null with no due date. */
  on_time: boolean | null;
  /** Days from being taken on (accepted; made, for one made already accepted) to done. */
  days: number | null;
}

/**
 * Actions done at the end of the period whose completion was in it (one reopened before the period
 * ended is not): completion runs that began in the period and lasted past its last day.
 */
export function completedSet(scope: Scope, period: Period): RawBuilder<CompletedRow> {
  return sql<CompletedRow>`
    select r.board_id, r.action_id as id, r.started_at as at, r.due_on::text as due_date,
      r.started_on <= r.due_on as on_time,
      r.days_after_taken_on as days
    from progress_runs r
    where r.status = 'done' and ${startedIn(period)}
      and (r.ended_on is null or r.ended_on > ${period.to}::date) and ${runInScope(scope)}`;
}

/** The condition, on an action aliased `a`, that it is past its due date on `day` (open or not). */
export const dueBefore = (day: string | RawBuilder<string>): RawBuilder<boolean> =>
  sql<boolean>`a.due_date < ${day}`;

/** The condition, on an action aliased `a` as it is now, that it is open: not done or cancelled. */
const OPEN_NOW = sql<boolean>`a.problems is null and a.status not in ('done', 'cancelled')`;

/** Open actions (not done or cancelled) now; with `today`, only those due before it. */
function openActions(scope: Scope, today: string | null): RawBuilder<FigureRow> {
  return sql<FigureRow>`
    select a.board_id, a.id, null::timestamptz as at, a.due_date from projected_actions a
    where ${actionInScope(scope)} and ${OPEN_NOW} ${today === null ? sql`` : sql`and ${dueBefore(today)}`}`;
}

/**
 * Each owner's organisation's open actions now, and how many of those are overdue: the 'open' and
 * 'overdue' figures' records, counted by organisation in one pass.
 */
export function openByOrganisation(
  scope: Scope,
  today: string,
): RawBuilder<{
  organisation_id: string | null;
  open: string;
  overdue: string;
}> {
  return sql`
    select a.owner_organisation_id as organisation_id, count(*) as open,
      count(*) filter (where ${dueBefore(today)}) as overdue
    from projected_actions a
    where ${actionInScope(scope)} and ${OPEN_NOW}
    group by a.owner_organisation_id`;
}

/** What a listed figure needs beyond the period: today, and for a stage, its name. */
export interface FigureContext {
  today: string;
  stage?: string | undefined;
}

/** The records behind a figure. */
export function figureSet(
  figure: ListedFigure,
  scope: Scope,
  period: Period,
  context: FigureContext,
): RawBuilder<FigureRow> {
  switch (figure) {
    case 'opened':
      return sql<FigureRow>`
        select r.board_id, r.action_id as id, r.started_at as at, r.due_on::text as due_date
        from progress_runs r
        where r.made and ${startedIn(period)} and ${runInScope(scope)}`;
    case 'completed':
      return sql<FigureRow>`select board_id, id, at, due_date from (${completedSet(scope, period)}) c`;
    case 'completedOnTime':
      return sql<FigureRow>`select board_id, id, at, due_date from (${completedSet(scope, period)}) c
        where c.on_time`;
    case 'open':
      return openActions(scope, null);
    case 'overdue':
      return openActions(scope, context.today);
    case 'arrivals':
      return happened('people', scope, period, sql`t.kind = 'created'`);
    case 'steppedDown':
      // Moved to the last stage of their board's pathway.
      return happened(
        'people',
        scope,
        period,
        sql`t.kind = 'stage' and t.from_value is distinct from t.to_value`,
        sql`join (
          select distinct on (s.board_id) s.board_id, s.id from projected_stages s
          where ${onBoards(scope, 's.board_id')} and s.problems is null
          order by s.board_id, s.position desc
        ) last on last.board_id = t.board_id and last.id = t.to_value`,
      );
    case 'atStage':
      return sql<FigureRow>`
        select p.board_id, p.id, p.stage_entered_at as at, null::text as due_date from projected_people p
        join projected_stages s on s.board_id = p.board_id and s.id = p.stage_id and s.problems is null
        where ${personInScope(scope)} and p.problems is null
          and p.archived is not true and s.name = ${context.stage ?? ''}`;
    case 'agreed':
      return happened('goals', scope, period, sql`t.kind = 'created'`);
    case 'achieved':
      return happened('goals', scope, period, sql`t.kind = 'status' and t.to_value = 'achieved'`);
  }
}

/** Which records a listed figure counts. */
export const FIGURE_RECORDS: Record<ListedFigure, 'actions' | 'people' | 'goals'> = {
  opened: 'actions',
  completed: 'actions',
  completedOnTime: 'actions',
  open: 'actions',
  overdue: 'actions',
  arrivals: 'people',
  steppedDown: 'people',
  atStage: 'people',
  agreed: 'goals',
  achieved: 'goals',
};
