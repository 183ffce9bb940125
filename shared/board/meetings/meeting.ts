import { z } from 'zod';
import { timestamp } from '../record.ts';

/*
 * A board's meetings (the daily handover, the weekly frailty MDT) as its document holds them while
 * they are edited live: the meeting itself, one agenda item per person, who attended, and outcomes
 * amended after the meeting closed. What is fixed once it closes (the summary, the version it saved,
 * pulse answers) is kept in Postgres by the server.
 */

export const SERIES_NAME_MAX = 80;
export const OUTCOME_TEXT_MAX = 2_000;
export const MEETING_REASON_MAX = 300;

/** Series a board starts with; a team may name its own. */
export const SUGGESTED_SERIES = ['Daily handover', 'Weekly frailty MDT'] as const;

export const MEETING_STATUSES = ['planned', 'running', 'finished'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** What a person's record must hold before the team discusses them (the series chooses). */
export const READINESS_NEEDS = ['sbar', 'frailty', 'risk', 'whatMatters'] as const;
export type ReadinessNeed = (typeof READINESS_NEEDS)[number];
export const READINESS_NEED_LABELS: Record<ReadinessNeed, string> = {
  sbar: 'SBAR note',
  frailty: 'frailty score',
  risk: 'risk rating',
  whatMatters: 'what matters to them',
};

/** What members say about a person before the meeting. */
export const AGENDA_MARKS = ['discuss', 'note_only', 'not_ready'] as const;
export type AgendaMark = (typeof AGENDA_MARKS)[number];
export const AGENDA_MARK_LABELS: Record<AgendaMark, string> = {
  discuss: 'Discuss',
  note_only: 'Note only',
  not_ready: 'Not ready',
};

/** How an outcome is coded. */
export const OUTCOME_CODES = [
  'decision',
  'action_agreed',
  'information_shared',
  'referral',
  'no_change',
] as const;
export type OutcomeCode = (typeof OUTCOME_CODES)[number];
export const OUTCOME_CODE_LABELS: Record<OutcomeCode, string> = {
  decision: 'Decision',
  action_agreed: 'Action agreed',
  information_shared: 'Information shared',
  referral: 'Referral',
  no_change: 'No change',
};

/** What became of a person on the agenda once the meeting finished. */
export const ITEM_RESULTS = ['discussed', 'noted', 'carried_over'] as const;
export type ItemResult = (typeof ITEM_RESULTS)[number];
export const ITEM_RESULT_LABELS: Record<ItemResult, string> = {
  discussed: 'Discussed',
  noted: 'Noted without discussion',
  carried_over: 'Carried over',
};

/** How someone attended: they opened the meeting, or the chair marked them in the room or on the phone. */
export const ATTENDANCE_MODES = ['joined', 'room', 'phone'] as const;
export type AttendanceMode = (typeof ATTENDANCE_MODES)[number];
export const ATTENDANCE_MODE_LABELS: Record<AttendanceMode, string> = {
  joined: 'Joined on Huddle',
  room: 'In the room',
  phone: 'On the phone',
};

const id = z.string().min(1).max(128);
const name = z.string().max(120);
const reason = z
  .string()
  .trim()
  .max(MEETING_REASON_MAX, `Keep the reason to ${MEETING_REASON_MAX} characters or fewer`);

export const seriesName = z
  .string({ error: 'Name the meeting, like “Daily handover”' })
  .trim()
  .min(1, 'Name the meeting, like “Daily handover”')
  .max(SERIES_NAME_MAX, `Keep the meeting’s name to ${SERIES_NAME_MAX} characters or fewer`);

/** Seconds planned for each person, from 15 seconds to 30 minutes. */
export const slotSeconds = z
  .number({ error: 'Give the time planned for each person in seconds' })
  .int('Give the time planned for each person in whole seconds')
  .min(15, 'Plan at least 15 seconds for each person')
  .max(1_800, 'Plan at most 30 minutes for each person');

/**
 * One meeting of a series. Only the server writes it (preparing, starting, stepping and finishing
 * are requests to the server), so the chair, the current person and the timer are the server's word.
 */
export const meetingSchema = z.object({
  id: z.string().min(1),
  series: seriesName,
  needs: z
    .array(z.enum(READINESS_NEEDS))
    .max(READINESS_NEEDS.length)
    .default([...READINESS_NEEDS]),
  slotSeconds: slotSeconds.default(60),
  status: z.enum(MEETING_STATUSES),
  /** When the agenda was built: people added after this are urgent additions. */
  preparedAt: timestamp,
  preparedBy: name,
  preparedById: id.nullable().default(null),
  startedAt: timestamp.nullable().default(null),
  finishedAt: timestamp.nullable().default(null),
  chairId: id.nullable().default(null),
  chairName: name.nullable().default(null),
  currentItemId: id.nullable().default(null),
  /** When the chair stepped to the current person, by the server's clock. */
  stepAt: timestamp.nullable().default(null),
  /** The version saved when the meeting finished. */
  versionId: id.nullable().default(null),
});
export type Meeting = z.infer<typeof meetingSchema>;

/** One person on a meeting's agenda, what the meeting said about them, and what became of them. */
export const meetingItemSchema = z.object({
  id: z.string().min(1),
  meetingId: id,
  personId: id,
  /** Place on the agenda (a fraction, so an urgent addition rewrites one item). */
  order: z.number().finite(),
  /** Something about them was added since the series' last meeting. */
  newSince: z.boolean().default(false),
  /** Not reached at the series' last meeting, and why. */
  carried: z.boolean().default(false),
  carriedReason: reason.default(''),
  /** Added after the agenda was built, as urgent. */
  urgent: z.boolean().default(false),
  addedBy: name.nullable().default(null),
  addedById: id.nullable().default(null),
  mark: z.enum(AGENDA_MARKS, { error: 'Choose discuss, note only or not ready' }).nullable().default(null),
  markBy: name.nullable().default(null),
  outcomeCode: z
    .enum(OUTCOME_CODES, { error: 'Choose what kind of outcome this is' })
    .nullable()
    .default(null),
  outcomeText: z
    .string()
    .trim()
    .max(
      OUTCOME_TEXT_MAX,
      `Keep the outcome to ${OUTCOME_TEXT_MAX.toLocaleString('en-GB')} characters or fewer`,
    )
    .default(''),
  outcomeBy: name.nullable().default(null),
  outcomeById: id.nullable().default(null),
  outcomeAt: timestamp.nullable().default(null),
  /** Actions agreed in the meeting for this person. */
  actionIds: z.array(id).max(50).default([]),
  /** The action "tell the person and their GP", tracked to done like any other. */
  tellActionId: id.nullable().default(null),
  /** Time the meeting spent on them, by the server's clock (written by the server). */
  secondsSpent: z.number().int().min(0).default(0),
  /** Set by the server when the meeting finishes. */
  result: z.enum(ITEM_RESULTS).nullable().default(null),
  resultReason: reason.default(''),
});
export type MeetingItem = z.infer<typeof meetingItemSchema>;

/** Someone at a meeting, as their profession and organisation were then. */
export const attendanceSchema = z.object({
  id: z.string().min(1),
  meetingId: id,
  userId: id,
  name,
  profession: name.default(''),
  organisationId: id.nullable().default(null),
  organisationName: name.nullable().default(null),
  how: z.enum(ATTENDANCE_MODES, { error: 'Choose joined, in the room or on the phone' }),
  markedBy: name,
  markedById: id,
  at: timestamp,
});
export type Attendance = z.infer<typeof attendanceSchema>;

/** A signed addition to an outcome after its meeting closed: never changed once written. */
export const amendmentSchema = z.object({
  id: z.string().min(1),
  meetingId: id,
  itemId: id,
  text: z
    .string({ error: 'Write the amendment' })
    .trim()
    .min(1, 'Write the amendment')
    .max(
      OUTCOME_TEXT_MAX,
      `Keep the amendment to ${OUTCOME_TEXT_MAX.toLocaleString('en-GB')} characters or fewer`,
    ),
  by: name,
  byId: id,
  at: timestamp,
});
export type Amendment = z.infer<typeof amendmentSchema>;

/** What someone writes as a person's outcome in the meeting. */
export const outcomeInputSchema = z.object({
  outcomeCode: meetingItemSchema.shape.outcomeCode.unwrap().unwrap(),
  outcomeText: meetingItemSchema.shape.outcomeText,
});
export type OutcomeInput = z.input<typeof outcomeInputSchema>;

/** Fields of an agenda item that members write; the rest are the server's. */
export const ITEM_MEMBER_FIELDS = [
  'mark',
  'markBy',
  'outcomeCode',
  'outcomeText',
  'outcomeBy',
  'outcomeById',
  'outcomeAt',
  'actionIds',
  'tellActionId',
] as const;
export const ITEM_OUTCOME_FIELDS = [
  'outcomeCode',
  'outcomeText',
  'outcomeBy',
  'outcomeById',
  'outcomeAt',
  'actionIds',
  'tellActionId',
] as const;

/** "2:05", "0:40": a time spent, in minutes and seconds. */
export function minutesAndSeconds(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** "Daily handover 5 Dec 2026": a meeting as its version and summary are labelled. */
export function meetingLabel(meeting: Pick<Meeting, 'series' | 'startedAt' | 'preparedAt'>): string {
  const at = new Date(meeting.startedAt ?? meeting.preparedAt);
  const day = at.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'Europe/London',
  });
  return `${meeting.series} ${day}`;
}

/** Seconds on the current person now, given the server's clock (`serverNow`). */
export function secondsOnCurrent(
  meeting: Pick<Meeting, 'stepAt'>,
  item: Pick<MeetingItem, 'secondsSpent'>,
  serverNow: number,
): number {
  const since = meeting.stepAt ? Math.max(0, (serverNow - Date.parse(meeting.stepAt)) / 1000) : 0;
  return item.secondsSpent + since;
}
