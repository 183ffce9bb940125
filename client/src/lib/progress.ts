import type { LocationQuery, LocationQueryRaw, RouteLocationRaw } from 'vue-router';
import { toCsv } from '#shared/csv';
import { addDays, daysBetween, isCalendarDate } from '#shared/board/record';
import { RISK_LEVELS, type RiskLevel } from '#shared/board/person';
import {
  DAYS_IN_STAGE_BANDS,
  FIGURES_OF_NOW,
  LISTED_FIGURES,
  PROGRESS_PERIOD_MAX_DAYS,
  type Compared,
  type ListedFigure,
  type Period,
  type ProgressFigures,
  type ProgressItem,
  type ProgressItemsQuery,
  type ProgressQuery,
  ukToday,
} from '#shared/progress';

/*
 * The progress page's address (period, filters, and the list open behind a figure), what it asks the
 * server for, the words it shows figures in, and the CSV of each of its tables.
 */

/** Periods that end today and move with it, by their length in days. */
export const PERIOD_CHOICES = [
  { key: '4w', label: 'Last 4 weeks', days: 28 },
  { key: '12w', label: 'Last 12 weeks', days: 84 },
  { key: '26w', label: 'Last 6 months', days: 182 },
  { key: '52w', label: 'Last 12 months', days: 364 },
] as const;
export type PeriodKey = (typeof PERIOD_CHOICES)[number]['key'] | 'custom';
const DEFAULT_PERIOD: PeriodKey = '4w';

/** What the page shows: kept in the address so a bookmark or a shared link shows the same. */
export interface ProgressPageQuery {
  period: PeriodKey;
  /** The chosen days when `period` is custom, `YYYY-MM-DD`. */
  from: string;
  to: string;
  team: string;
  board: string;
  organisation: string;
  profession: string;
  risk: RiskLevel | '';
  /** The least frailty score, `1` to `9`, or empty for any. */
  frailty: string;
  /** The figure whose records are listed, and for which period; `stage` for people at a stage. */
  list: ListedFigure | '';
  of: 'now' | 'before';
  stage: string;
}

const first = (value: LocationQuery[string] | undefined): string => {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : '';
};

export function progressPageQueryFrom(query: LocationQuery): ProgressPageQuery {
  const from = first(query.from);
  const to = first(query.to);
  const custom = isCalendarDate(from) && isCalendarDate(to);
  const period = first(query.period);
  const list = first(query.list);
  return {
    period: custom
      ? 'custom'
      : PERIOD_CHOICES.some((choice) => choice.key === period)
        ? (period as PeriodKey)
        : DEFAULT_PERIOD,
    from: custom ? from : '',
    to: custom ? to : '',
    team: first(query.team),
    board: first(query.board),
    organisation: first(query.organisation),
    profession: first(query.profession),
    risk: (RISK_LEVELS as readonly string[]).includes(first(query.risk))
      ? (first(query.risk) as RiskLevel)
      : '',
    frailty: /^[1-9]$/.test(first(query.frailty)) ? first(query.frailty) : '',
    list: (LISTED_FIGURES as readonly string[]).includes(list) ? (list as ListedFigure) : '',
    of: first(query.of) === 'before' ? 'before' : 'now',
    stage: first(query.stage),
  };
}

/** The address query for `query`: only what differs from the default, so a plain link stays plain. */
export function routeQueryFromProgress(query: ProgressPageQuery): LocationQueryRaw {
  const raw: LocationQueryRaw = {};
  if (query.period === 'custom') {
    raw.from = query.from;
    raw.to = query.to;
  } else if (query.period !== DEFAULT_PERIOD) raw.period = query.period;
  if (query.team) raw.team = query.team;
  if (query.board) raw.board = query.board;
  if (query.organisation) raw.organisation = query.organisation;
  if (query.profession) raw.profession = query.profession;
  if (query.risk) raw.risk = query.risk;
  if (query.frailty) raw.frailty = query.frailty;
  if (query.list) {
    raw.list = query.list;
    if (query.of === 'before') raw.of = 'before';
    if (query.list === 'atStage') raw.stage = query.stage;
  }
  return raw;
}

/** The page with `query`'s period and filters and no list open. */
export const withoutList = (query: ProgressPageQuery): ProgressPageQuery => ({
  ...query,
  list: '',
  of: 'now',
  stage: '',
});

/** The period `query` names, on `today` (UK). */
export function periodOf(query: ProgressPageQuery, today: string): Period {
  if (query.period === 'custom') return { from: query.from, to: query.to };
  const days = PERIOD_CHOICES.find((choice) => choice.key === query.period)?.days ?? 28;
  return { from: addDays(today, -(days - 1)), to: today };
}

/** A problem with a custom period the page can say before asking the server, or null. */
export function periodProblem(period: Period): string | null {
  if (!isCalendarDate(period.from)) return 'Enter the first day as a real date';
  if (!isCalendarDate(period.to)) return 'Enter the last day as a real date';
  const days = daysBetween(period.from, period.to) + 1;
  if (days < 1) return 'The last day must be on or after the first';
  if (days > PROGRESS_PERIOD_MAX_DAYS) return `Choose a period of ${PROGRESS_PERIOD_MAX_DAYS} days or fewer`;
  return null;
}

/** What to ask the server for the figures. */
export function apiQueryFromProgress(query: ProgressPageQuery, today: string): ProgressQuery {
  return {
    ...periodOf(query, today),
    ...(query.team ? { team: query.team } : {}),
    ...(query.board ? { board: query.board } : {}),
    ...(query.organisation ? { organisation: query.organisation } : {}),
    ...(query.profession ? { profession: query.profession } : {}),
    ...(query.risk ? { risk: query.risk } : {}),
    ...(query.frailty ? { frailty: Number(query.frailty) } : {}),
  };
}

/** What to ask the server for the list open behind a figure, or null when none is. */
export function apiItemsQueryFrom(query: ProgressPageQuery, today: string): ProgressItemsQuery | null {
  if (!query.list) return null;
  return {
    ...apiQueryFromProgress(query, today),
    figure: query.list,
    of: FIGURES_OF_NOW.includes(query.list) ? 'now' : query.of,
    ...(query.list === 'atStage' ? { stage: query.stage } : {}),
  };
}

/** The page's filters, each cleared. */
export const NO_FILTERS = {
  team: '',
  board: '',
  organisation: '',
  profession: '',
  risk: '',
  frailty: '',
} as const;

export function isProgressFiltered(query: ProgressPageQuery): boolean {
  return (Object.keys(NO_FILTERS) as (keyof typeof NO_FILTERS)[]).some((key) => query[key] !== '');
}

/** What each listed figure counts, as the heading of its list. */
export const FIGURE_LABELS: Record<ListedFigure, string> = {
  opened: 'Actions opened',
  completed: 'Actions completed',
  completedOnTime: 'Actions completed on or before their due date',
  open: 'Open actions now',
  overdue: 'Overdue actions now',
  arrivals: 'People added',
  steppedDown: 'People stepped down',
  atStage: 'People at a stage now',
  agreed: 'Goals agreed',
  achieved: 'Goals achieved',
};

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "4 Nov 2026", for a `YYYY-MM-DD` day. */
export const dayLabel = (day: string): string => dateFormat.format(new Date(`${day}T00:00:00Z`));
/** "4 Nov", for a week's Monday on a chart's axis. */
export const shortDayLabel = (day: string): string => shortDateFormat.format(new Date(`${day}T00:00:00Z`));

/** "1 Nov 2026 to 28 Nov 2026". */
export const periodLabel = (period: Period): string =>
  period.from === period.to ? dayLabel(period.from) : `${dayLabel(period.from)} to ${dayLabel(period.to)}`;

/** How a figure moved against the period before, in words: "up 3 from 12", "the same as before (12)". */
export function changeLabel(figure: Compared<number | null>, unit = ''): string {
  const { now, before } = figure;
  if (before === null) return 'none the period before';
  if (now === null) return `${before}${unit} the period before`;
  if (now === before) return `the same as the period before (${before}${unit})`;
  const by = Math.round(Math.abs(now - before) * 10) / 10;
  return `${now > before ? 'up' : 'down'} ${by}${unit} from ${before}${unit} the period before`;
}

/** A count with its noun: "1 action", "3 actions". */
export const counted = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Days as the page shows them: "2.5 days", or "none" when there is nothing to measure. */
export const daysText = (days: number | null): string =>
  days === null ? 'none to measure' : `${days} ${days === 1 ? 'day' : 'days'}`;

/** Where a listed record is on its board. */
export function itemLocation(item: ProgressItem): RouteLocationRaw {
  if (item.recordType === 'actions')
    return { name: 'board-actions', params: { id: item.boardId }, query: { action: item.id } };
  const personId = item.recordType === 'people' ? item.id : item.person?.id;
  if (personId) return { name: 'board-person', params: { id: item.boardId, personId } };
  return { name: 'board-goals', params: { id: item.boardId } };
}

/** When what a listed record counts happened, as a day (in the UK). */
export const itemWhen = (at: string | null): string => (at ? dayLabel(ukToday(new Date(at))) : '');

/** The list behind a figure, as CSV: its people by initials only, as on the page. */
export function itemsCsv(items: readonly ProgressItem[]): string {
  return toCsv(
    ['Board', 'Record', 'Title', 'Person', 'Status', 'Due', 'Owner', 'Organisation', 'Stage', 'When'],
    items.map((item) => [
      item.boardName,
      { actions: 'Action', people: 'Person', goals: 'Goal' }[item.recordType],
      item.title,
      item.person?.initials ?? '',
      item.status,
      item.dueDate,
      item.ownerName,
      item.organisationName,
      item.stageName,
      item.at ? ukToday(new Date(item.at)) : '',
    ]),
  );
}

/** The headline figures as CSV: each for the period and the one before. */
export function headlineCsv(figures: ProgressFigures): string {
  const { actions, people, goals } = figures;
  const rows: [string, Compared<number | null>][] = [
    ['Actions opened', actions.opened],
    ['Actions completed', actions.completed],
    ['Actions completed on or before their due date', actions.completedOnTime],
    ['Completed on time (%)', actions.onTimePercent],
    ['Median days from proposed to accepted', actions.medianDaysToAccept],
    ['Median days from accepted to done', actions.medianDaysToDone],
    ['People added', people.arrivals],
    ['People stepped down', people.steppedDown],
    ['Goals agreed', goals.agreed],
    ['Goals achieved', goals.achieved],
  ];
  return toCsv(
    [
      'Figure',
      `${figures.period.from} to ${figures.period.to}`,
      `${figures.previous.from} to ${figures.previous.to}`,
    ],
    [
      ...rows.map(([label, figure]) => [label, figure.now, figure.before]),
      [`Overdue actions on ${figures.today}`, figures.actions.overdueNow, null],
    ],
  );
}

export const organisationName = (name: string | null): string => name ?? 'Organisation not recorded';

export function organisationsCsv(figures: ProgressFigures): string {
  return toCsv(
    ['Organisation', 'Open actions', 'Overdue actions', 'Median days to accept'],
    figures.byOrganisation.map((row) => [
      organisationName(row.name),
      row.open,
      row.overdue,
      row.medianDaysToAccept,
    ]),
  );
}

export function stagesCsv(figures: ProgressFigures): string {
  return toCsv(
    [
      'Stage',
      'People',
      'Limit',
      'Boards over limit',
      'People over limit',
      'Median days in stage',
      'Longest days in stage',
      ...DAYS_IN_STAGE_BANDS.map((band) => band.label),
    ],
    figures.people.stages.map((stage) => [
      stage.name,
      stage.people,
      stage.limit,
      stage.boardsOverLimit,
      stage.peopleOverLimit,
      stage.daysInStage.median,
      stage.daysInStage.longest,
      ...stage.daysInStage.bands,
    ]),
  );
}

export function weeksCsv(figures: ProgressFigures): string {
  return toCsv(
    [
      'Week starting',
      'Actions opened',
      'Actions completed',
      'Overdue at the end of the week',
      'People added',
      'People stepped down',
    ],
    figures.weeks.map((week) => [
      week.weekStart,
      week.opened,
      week.completed,
      week.overdue,
      week.arrivals,
      week.steppedDown,
    ]),
  );
}
