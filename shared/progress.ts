import { z } from 'zod';
import { addDays, calendarDate, daysBetween } from './board/record.ts';
import { RISK_LEVELS } from './board/person.ts';

/*
 * Progress: figures across the boards a manager, an admin or a facilitator may see, for a period of
 * calendar days in Europe/London, each beside the period of the same length just before it. Read
 * from the projection of the boards' documents and the history of what happened to their records.
 */

/** The longest period the page compares: a year, and a day for a leap year. */
export const PROGRESS_PERIOD_MAX_DAYS = 366;
/** The period when none is asked for: the last four weeks, today included. */
export const PROGRESS_DEFAULT_DAYS = 28;

const filterId = (what: string) =>
  z
    .string({ error: `Name one ${what} by its id` })
    .trim()
    .min(1, `Name one ${what} by its id`)
    .max(128, `Name a ${what} by an id of 128 characters or fewer`)
    .optional();

/**
 * `GET /api/progress` query: the period (`from` and `to`, both included; the last four weeks when
 * left out) and the filters the page keeps in its address.
 */
export const progressQuery = z
  .object({
    from: calendarDate('the first day').optional(),
    to: calendarDate('the last day').optional(),
    team: filterId('team'),
    board: filterId('board'),
    organisation: filterId('organisation'),
    /** The profession of an action's owner, and of a person's key worker. */
    profession: z
      .string({ error: 'Name one profession' })
      .trim()
      .min(1, 'Name one profession')
      .max(120, 'Name a profession in 120 characters or fewer')
      .optional(),
    /** The risk of the person an action, a goal or a stage's figures are about. */
    risk: z.enum(RISK_LEVELS, { error: 'Choose red, amber or green' }).optional(),
    /** The least Clinical Frailty Scale score of that person: `6` is "6 or more". */
    frailty: z
      .string({ error: 'Choose a frailty score from 1 to 9' })
      .regex(/^[1-9]$/, 'Choose a frailty score from 1 to 9')
      .transform(Number)
      .optional(),
  })
  .superRefine((query, context) => {
    if (!query.from || !query.to) return;
    const days = daysBetween(query.from, query.to) + 1;
    if (days < 1)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'The last day must be on or after the first',
      });
    else if (days > PROGRESS_PERIOD_MAX_DAYS)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `Choose a period of ${PROGRESS_PERIOD_MAX_DAYS} days or fewer`,
      });
  });
export type ProgressQuery = z.infer<typeof progressQuery>;

/** The time zone progress counts days in: a day's figures are that day in the UK, summer or winter. */
export const PROGRESS_TIME_ZONE = 'Europe/London';

/** UK days as `YYYY-MM-DD`: made once, as making a formatter costs far more than using one. */
const UK_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: PROGRESS_TIME_ZONE });

/** Today's date in the UK at `now`, `YYYY-MM-DD`. */
export function ukToday(now: Date): string {
  return UK_DAY.format(now);
}

/** A run of calendar days, both included, `YYYY-MM-DD`. */
export interface Period {
  from: string;
  to: string;
}

/**
 * The period a query asks for (the last four weeks to `today` when it names none; one end alone
 * keeps the default length) and the one of the same length just before it.
 */
export function periodsOf(
  query: Pick<ProgressQuery, 'from' | 'to'>,
  today: string,
): { period: Period; previous: Period } {
  const to = query.to ?? (query.from ? addDays(query.from, PROGRESS_DEFAULT_DAYS - 1) : today);
  const from = query.from ?? addDays(to, -(PROGRESS_DEFAULT_DAYS - 1));
  const days = daysBetween(from, to) + 1;
  return { period: { from, to }, previous: { from: addDays(from, -days), to: addDays(from, -1) } };
}

/**
 * The figures that open the list of what they count: actions made, completed, completed on time,
 * open now and overdue now; people added, stepped down, and at a stage now; goals agreed and achieved.
 */
export const LISTED_FIGURES = [
  'opened',
  'completed',
  'completedOnTime',
  'open',
  'overdue',
  'arrivals',
  'steppedDown',
  'atStage',
  'agreed',
  'achieved',
] as const;
export type ListedFigure = (typeof LISTED_FIGURES)[number];

/** Figures of how things stand now rather than of what happened in a period. */
export const FIGURES_OF_NOW: readonly ListedFigure[] = ['open', 'overdue', 'atStage'];

/**
 * `GET /api/progress/items` query: one figure, with the page's period and filters, and which of the
 * two periods (`now`, the default, or `before`); `stage` names the stage for `atStage`.
 */
export const progressItemsQuery = z
  .object({
    figure: z.enum(LISTED_FIGURES, { error: 'Choose a figure to list' }),
    of: z.enum(['now', 'before'], { error: 'Choose now or before' }).default('now'),
    stage: z
      .string()
      .trim()
      .min(1, 'Name the stage')
      .max(80, 'Name a stage in 80 characters or fewer')
      .optional(),
  })
  .and(progressQuery)
  .superRefine((query, context) => {
    if (query.figure === 'atStage' && query.stage === undefined)
      context.addIssue({ code: 'custom', path: ['stage'], message: 'Name the stage' });
  });
export type ProgressItemsQuery = z.infer<typeof progressItemsQuery>;

/** One record behind a figure, read-only, with what a link to it on its board needs. */
export interface ProgressItem {
  recordType: 'actions' | 'people' | 'goals';
  boardId: string;
  boardName: string;
  id: string;
  /** An action's title, a goal's statement, or a person's initials. */
  title: string;
  /** The person it is about (the person themself for people), by initials. */
  person: { id: string; initials: string } | null;
  status: string | null;
  dueDate: string | null;
  /** An action's owner and organisation, or a goal's lead organisation. */
  ownerName: string | null;
  organisationName: string | null;
  /** A person's stage now. */
  stageName: string | null;
  /** When what the figure counts happened, ISO; null for how things stand now. */
  at: string | null;
}

/** How many records a list shows at most: the figure says how many there are in all. */
export const PROGRESS_ITEMS_MAX = 500;

/** `GET /api/progress/items`. */
export interface ProgressItems {
  figure: ListedFigure;
  period: Period;
  items: ProgressItem[];
  /** More matched than the list holds. */
  truncated: boolean;
}

/** One figure for the period and for the one before it. */
export interface Compared<T = number> {
  now: T;
  before: T;
}

/** What happened to actions, and how they stand now. */
export interface ActionFigures {
  /** Actions made in the period. */
  opened: Compared;
  /** Actions done by the end of the period, whose completion was in it. */
  completed: Compared;
  /** Of those, how many were done on or before their due date (in Europe/London). */
  completedOnTime: Compared;
  /** `completedOnTime` as a whole percentage of `completed`; null when nothing was completed. */
  onTimePercent: Compared<number | null>;
  /** Open actions (not done or cancelled) whose due date is before today: now, not in a period. */
  overdueNow: number;
  /** Median days from being proposed to being accepted, of acceptances in the period. */
  medianDaysToAccept: Compared<number | null>;
  /** Median days from being taken on (accepted, or made already accepted) to done, of completions in the period. */
  medianDaysToDone: Compared<number | null>;
}

/** One organisation's share of the actions: the cross-agency view. */
export interface OrganisationFigures {
  organisationId: string | null;
  /** Its name; null for actions whose owner's organisation is not known. */
  name: string | null;
  /** Open actions its people own now. */
  open: number;
  /** Of those, overdue now. */
  overdue: number;
  /**
   * Median days its people took to accept what was proposed to them, of acceptances in the period
   * (an organisation that accepted some and owns none open now is listed with 0 open).
   */
  medianDaysToAccept: number | null;
}

/** Bands of days in a stage, for its distribution: each from `from` days up to, not including, `to`. */
export const DAYS_IN_STAGE_BANDS = [
  { label: 'Under a week', from: 0, to: 7 },
  { label: '1 to 2 weeks', from: 7, to: 14 },
  { label: '2 to 4 weeks', from: 14, to: 28 },
  { label: '4 to 8 weeks', from: 28, to: 56 },
  { label: '8 weeks or more', from: 56, to: null },
] as const;

/**
 * One stage of the pathway across the boards (stages of the same name together, in pathway order):
 * who is at it now and for how long.
 */
export interface StageFigures {
  name: string;
  /** People at it now (not archived). */
  people: number;
  /** The most people the stage should hold on each board that sets a limit, added up; null when none does. */
  limit: number | null;
  /** Boards on which more people are at it than its limit. */
  boardsOverLimit: number;
  /** People at it on those boards beyond the limit. */
  peopleOverLimit: number;
  /** Whole UK days since each person entered it: median and longest, and how many fall in each band. */
  daysInStage: { median: number | null; longest: number | null; bands: number[] };
}

/** People on the pathway and goals. */
export interface PeopleFigures {
  /** People added to a board in the period. */
  arrivals: Compared;
  /** People moved to the last stage of their board's pathway (stepped down) in the period. */
  steppedDown: Compared;
  stages: StageFigures[];
}

export interface GoalFigures {
  /** Goals agreed (added) in the period. */
  agreed: Compared;
  /** Goals marked achieved in the period. */
  achieved: Compared;
}

/** One week (Monday to Sunday in the UK) of the trends. */
export interface WeekFigures {
  /** The Monday it starts on, `YYYY-MM-DD`. */
  weekStart: string;
  /** Actions made in the week. */
  opened: number;
  /** Actions done at the week's end whose completion was in it. */
  completed: number;
  /** Actions open and past their due date at the week's end (now, for the week under way). */
  overdue: number;
  /** People added to a board in the week. */
  arrivals: number;
  /** People moved to the last stage of their board's pathway in the week. */
  steppedDown: number;
}

/** One choice for a filter of the page. */
export interface ProgressChoice {
  id: string;
  name: string;
}

/**
 * What the page's filters offer: the boards the caller may see and their teams (whatever is chosen
 * now), every organisation, and the professions of those boards' teams.
 */
export interface ProgressChoices {
  boards: ProgressChoice[];
  teams: ProgressChoice[];
  organisations: ProgressChoice[];
  /** The professions of the people who work on those boards, by name. */
  professions: string[];
}

/** `GET /api/progress`. */
export interface ProgressFigures {
  period: Period;
  previous: Period;
  choices: ProgressChoices;
  /** Today in Europe/London, the day `overdueNow` is counted on. */
  today: string;
  /** How many boards the figures cover. */
  boards: number;
  actions: ActionFigures;
  byOrganisation: OrganisationFigures[];
  people: PeopleFigures;
  goals: GoalFigures;
  /** Every week the period touches, oldest first (none begins after today). */
  weeks: WeekFigures[];
}
