import type { Actor } from '../record.ts';
import {
  ITEM_MEMBER_FIELDS,
  ITEM_OUTCOME_FIELDS,
  type Amendment,
  type Attendance,
  type Meeting,
  type MeetingItem,
} from './meeting.ts';

/** What the meeting rules need to know of the board, as it is after the change. */
export interface MeetingFacts {
  meeting(id: string): Pick<Meeting, 'status' | 'chairId'> | undefined;
  meetingItem(id: string): Pick<MeetingItem, 'meetingId'> | undefined;
  hasPerson(id: string): boolean;
  /** Whether `personId` is on the meeting's agenda in an item other than `exceptId`. */
  onAgenda(meetingId: string, personId: string, exceptId: string): boolean;
  /** Whether the meeting's attendance names `userId` in a record other than `exceptId`. */
  attending(meetingId: string, userId: string, exceptId: string): boolean;
}

export const MEETING_COLLECTIONS = [
  'meetings',
  'meetingItems',
  'meetingAttendance',
  'meetingAmendments',
] as const;
export type MeetingCollection = (typeof MEETING_COLLECTIONS)[number];

const SERVER_ONLY =
  'A meeting is prepared, started, stepped through and finished by the server when its chair asks, not by changing the board';

function changedFields(was: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const fields = new Set([...Object.keys(was), ...Object.keys(now)]);
  return [...fields].filter(
    (field) => field !== 'id' && JSON.stringify(was[field]) !== JSON.stringify(now[field]),
  );
}

const STILL_OPEN = 'The meeting has finished: add to an outcome as a signed amendment';

/**
 * Why a change someone's browser made to a meeting record breaks the board's rules, or null.
 * `before`/`after` are valid records (or absent); `creator` and `authorOf` say who is behind them
 * (null: not known, not checked). The server's own writes are not checked.
 */
export function meetingChangeProblem(
  collection: MeetingCollection,
  id: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  creator: Actor | null,
  authorOf: (field: string) => Actor | null,
  facts: MeetingFacts,
): string | null {
  if (collection === 'meetings') return SERVER_ONLY;
  if (!after) return 'Meeting records are kept, never deleted';
  if (collection === 'meetingItems')
    return itemProblem(id, before as MeetingItem | undefined, after as MeetingItem, creator, authorOf, facts);
  if (collection === 'meetingAttendance')
    return attendanceProblem(
      id,
      before as Attendance | undefined,
      after as Attendance,
      creator,
      authorOf,
      facts,
    );
  return amendmentProblem(before as Amendment | undefined, after as Amendment, creator, facts);
}

function itemProblem(
  id: string,
  before: MeetingItem | undefined,
  after: MeetingItem,
  creator: Actor | null,
  authorOf: (field: string) => Actor | null,
  facts: MeetingFacts,
): string | null {
  const meeting = facts.meeting(after.meetingId);
  if (!meeting) return 'That meeting is not on this board';
  if (!before) {
    if (meeting.status === 'finished') return 'The meeting has finished: add the person to the next one';
    if (!after.urgent) return 'People join an agenda after it is built only as urgent additions';
    if (creator && after.addedById !== creator.id)
      return 'An urgent addition is made in the name of the person adding it';
    if (after.carried || after.newSince || after.secondsSpent !== 0 || after.result !== null)
      return 'Only the server says what a person’s time and result in a meeting were';
    if (after.outcomeCode !== null || after.outcomeText !== '' || after.actionIds.length > 0)
      return 'Add the person first, then record the outcome';
    if (!facts.hasPerson(after.personId)) return 'The person is not on this board';
    if (facts.onAgenda(after.meetingId, after.personId, id)) return 'The person is already on this agenda';
    return null;
  }
  const changed = changedFields(before, after);
  if (changed.length === 0) return null;
  if (meeting.status === 'finished') return STILL_OPEN;
  const members = new Set<string>(ITEM_MEMBER_FIELDS);
  if (changed.some((field) => !members.has(field)))
    return 'Only the server changes a person’s place, time and result in a meeting';
  const outcome = new Set<string>(ITEM_OUTCOME_FIELDS);
  if (changed.some((field) => outcome.has(field))) {
    if (meeting.status !== 'running') return 'Outcomes are written once the meeting has started';
    // Whoever changes what the outcome says signs it: it may not stay in an earlier writer's name.
    for (const field of ['outcomeCode', 'outcomeText', 'outcomeById'] as const) {
      const writer = changed.includes(field) ? authorOf(field) : null;
      if (writer && after.outcomeById !== writer.id)
        return 'An outcome is written in the name of the person writing it';
    }
  }
  return null;
}

function attendanceProblem(
  id: string,
  before: Attendance | undefined,
  after: Attendance,
  creator: Actor | null,
  authorOf: (field: string) => Actor | null,
  facts: MeetingFacts,
): string | null {
  const meeting = facts.meeting(after.meetingId);
  if (!meeting) return 'That meeting is not on this board';
  if (meeting.status !== 'running') return 'Attendance is taken while the meeting runs';
  if (!before) {
    const isChair = creator !== null && creator.id === meeting.chairId;
    if (facts.attending(after.meetingId, after.userId, id)) return 'They are already on the attendance list';
    if (creator && after.markedById !== creator.id)
      return 'Attendance is marked in the name of the person marking it';
    if (after.how === 'joined') {
      if (creator && after.userId !== creator.id) return 'Only the person themselves joins a meeting';
    } else if (creator && !isChair) return 'Only the chair marks who is in the room or on the phone';
    return null;
  }
  const changed = changedFields(before, after);
  if (changed.length === 0) return null;
  if (changed.some((field) => !['how', 'markedBy', 'markedById', 'at'].includes(field)))
    return 'An attendance record names one person at one meeting; mark how they attended instead';
  const marker = authorOf('how');
  if (marker && marker.id !== meeting.chairId) return 'Only the chair changes how someone attended';
  return null;
}

function amendmentProblem(
  before: Amendment | undefined,
  after: Amendment,
  creator: Actor | null,
  facts: MeetingFacts,
): string | null {
  if (before)
    return changedFields(before, after).length === 0 ? null : 'An amendment is signed and never changed';
  const meeting = facts.meeting(after.meetingId);
  if (!meeting) return 'That meeting is not on this board';
  if (meeting.status !== 'finished') return 'While the meeting runs, change the outcome itself';
  if (facts.meetingItem(after.itemId)?.meetingId !== after.meetingId)
    return 'That person was not on this meeting’s agenda';
  if (creator && after.byId !== creator.id) return 'An amendment is signed by the person writing it';
  return null;
}
