import { z } from 'zod';
import type { ActionStatus } from './board/action.ts';
import {
  MEETING_REASON_MAX,
  READINESS_NEEDS,
  seriesName,
  slotSeconds,
  type AttendanceMode,
  type ItemResult,
  type OutcomeCode,
} from './board/meetings/meeting.ts';

/*
 * The REST payloads of a board's meetings: what the chair asks the server to do, and the summary
 * kept once a meeting closes.
 */

const id = (what: string) =>
  z
    .string({ error: `Choose ${what}` })
    .min(1, `Choose ${what}`)
    .max(128);

/** `POST /api/boards/:id/meetings`: prepares the series' next meeting and builds its agenda. */
export const prepareMeetingRequest = z.object({
  series: seriesName,
  needs: z
    .array(z.enum(READINESS_NEEDS, { error: 'Choose from SBAR note, frailty score, risk and what matters' }))
    .max(READINESS_NEEDS.length)
    .default([...READINESS_NEEDS]),
  slotSeconds: slotSeconds.default(60),
});
export type PrepareMeetingRequest = z.input<typeof prepareMeetingRequest>;

/** `POST .../meetings/:meetingId/step`: the chair moves the meeting to a person on the agenda. */
export const stepRequest = z.object({ itemId: id('the person to move to') });

/** `POST .../meetings/:meetingId/chair`: the chair (or a facilitator) hands the chair to someone. */
export const chairRequest = z.object({ userId: id('who takes the chair') });

export const DEFAULT_CARRY_REASON = 'Not reached in time';

/** `POST .../meetings/:meetingId/finish`: why people not reached are carried over. */
export const finishRequest = z.object({
  carryReason: z
    .string()
    .trim()
    .min(1, 'Say why the people not reached are carried over')
    .max(MEETING_REASON_MAX, `Keep the reason to ${MEETING_REASON_MAX} characters or fewer`)
    .default(DEFAULT_CARRY_REASON),
});

/** `GET /api/clock`: the server's clock, for timers every browser agrees on. */
export interface ServerClock {
  now: number;
}

/** An action in a meeting's summary, as it was when the meeting finished. */
export interface SummaryAction {
  id: string;
  title: string;
  ownerName: string;
  ownerOrganisation: string | null;
  dueDate: string;
  status: ActionStatus;
}

/** One person in a meeting's summary. */
export interface SummaryPerson {
  itemId: string;
  personId: string;
  name: string;
  /** "M E": what the email and the privacy screen show. */
  initials: string;
  result: ItemResult;
  resultReason: string;
  urgent: boolean;
  outcomeCode: OutcomeCode | null;
  outcomeText: string;
  outcomeBy: string | null;
  secondsSpent: number;
  actions: SummaryAction[];
  /** Who tells the person and their GP: an action tracked to done. */
  tell: SummaryAction | null;
}

/** A finished meeting, fixed as it closed: `GET /api/boards/:id/meetings/:meetingId/summary`. */
export interface MeetingSummary {
  boardId: string;
  boardName: string;
  meetingId: string;
  series: string;
  label: string;
  startedAt: string;
  finishedAt: string;
  chair: string | null;
  versionId: string | null;
  attendance: {
    userId: string;
    name: string;
    profession: string;
    organisationId: string | null;
    organisation: string | null;
    how: AttendanceMode;
  }[];
  /** Organisations of the board's teams nobody attended for ("No council social care today"). */
  absentOrganisations: { name: string; kind: string }[];
  people: SummaryPerson[];
  figures: {
    people: number;
    discussed: number;
    noted: number;
    carriedOver: number;
    actionsAgreed: number;
    minutes: number;
  };
}

/** A board's finished meetings, newest first: `GET /api/boards/:id/meetings`. */
export interface MeetingListItem {
  meetingId: string;
  series: string;
  label: string;
  finishedAt: string;
  people: number;
  attended: number;
}

/** "Margaret Ellis" -> "M E". */
export function initialsOf(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => [...part][0]!.toUpperCase())
    .join(' ');
}

/** The team's pulse after a meeting: a few seconds, on a scale of 1 (strongly disagree) to 5. */
export const PULSE_QUESTIONS = [
  'We agreed clear actions',
  'Every agency’s view was heard',
  'I can follow up what was agreed',
  'The meeting used our time well',
] as const;

export const PULSE_SCALE = [
  'Strongly disagree',
  'Disagree',
  'Neither agree nor disagree',
  'Agree',
  'Strongly agree',
] as const;

/** Answers are shown once at least this many have answered, always with the count. */
export const PULSE_SHOWN_FROM = 4;
export const PULSE_COMMENT_MAX = 500;
/** Days after a meeting its pulse can be answered. */
export const PULSE_OPEN_DAYS = 14;

const score = z
  .number({ error: 'Answer each statement from 1 (strongly disagree) to 5 (strongly agree)' })
  .int('Answer each statement from 1 (strongly disagree) to 5 (strongly agree)')
  .min(1, 'Answer each statement from 1 (strongly disagree) to 5 (strongly agree)')
  .max(5, 'Answer each statement from 1 (strongly disagree) to 5 (strongly agree)');

/** `POST .../meetings/:meetingId/pulse`: one attendee's answers, anonymous once stored. */
export const pulseRequest = z.object({
  scores: z
    .array(score, { error: 'Answer every statement' })
    .length(PULSE_QUESTIONS.length, 'Answer every statement'),
  comment: z
    .string()
    .trim()
    .max(PULSE_COMMENT_MAX, `Keep the comment to ${PULSE_COMMENT_MAX} characters or fewer`)
    .default(''),
});
export type PulseRequest = z.input<typeof pulseRequest>;

/** `GET .../meetings/:meetingId/pulse`: the answers so far, shown only once enough have answered. */
export interface PulseResults {
  answered: number;
  /** Whether the answers are shown: at least `PULSE_SHOWN_FROM` have answered. */
  shown: boolean;
  /** Per question, the mean score (null until shown). */
  averages: number[] | null;
  /** Comments, in no order that says who wrote them (null until shown). */
  comments: string[] | null;
  /** Whether the caller attended and can still answer. */
  canAnswer: boolean;
  youAnswered: boolean;
}

/** One team's meetings in one week (Monday to Sunday in the UK), for the progress page. */
export interface MeetingWeek {
  weekStart: string;
  meetings: number;
  /** People on the agendas, and what became of them. */
  people: number;
  discussed: number;
  noted: number;
  carriedOver: number;
  /** Mean time on each person discussed, in seconds (null with nobody discussed). */
  secondsPerPerson: number | null;
  actionsAgreed: number;
  /** Agreed actions due by today, and of those, done by their due date. */
  agreedDue: number;
  agreedDoneOnTime: number;
  /** Pulse answers from meetings where enough answered to show them, and their means per question. */
  pulseAnswers: number;
  pulse: number[] | null;
}

/** `GET /api/progress/meetings`: each team's meetings by week, over the period asked for. */
export interface MeetingProgress {
  period: { from: string; to: string };
  teams: { id: string; name: string; weeks: MeetingWeek[] }[];
}
