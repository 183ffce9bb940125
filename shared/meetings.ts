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
