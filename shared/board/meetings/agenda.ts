import type { Person } from '../person.ts';
import { riskRank } from '../person.ts';
import {
  READINESS_NEED_LABELS,
  type Attendance,
  type ItemResult,
  type Meeting,
  type MeetingItem,
  type ReadinessNeed,
} from './meeting.ts';

/** A record about a person, as the agenda asks about it: when it was added, and for whom. */
export interface PersonNews {
  personId: string | null;
  createdAt: string | null;
}

/** One item of a new agenda, before it has an id. */
export type AgendaEntry = Pick<MeetingItem, 'personId' | 'order' | 'newSince' | 'carried' | 'carriedReason'>;

/**
 * A series' next agenda from the board: everyone the team supports (not archived), by risk (red
 * first, unrated last) then name; each marked when something about them (an action, a goal, a
 * comment, or they themselves) was added since the series' last meeting started, and when that
 * meeting carried them over, with its reason.
 */
export function buildAgenda(
  people: readonly Pick<Person, 'id' | 'name' | 'risk' | 'archived' | 'createdAt'>[],
  news: readonly PersonNews[],
  last: { meeting: Pick<Meeting, 'startedAt' | 'preparedAt'>; items: readonly MeetingItem[] } | null,
): AgendaEntry[] {
  const since = last ? Date.parse(last.meeting.startedAt ?? last.meeting.preparedAt) : null;
  const fresh = new Set<string>();
  if (since !== null) {
    for (const record of news) {
      if (record.personId && record.createdAt && Date.parse(record.createdAt) > since)
        fresh.add(record.personId);
    }
  }
  const carried = new Map<string, string>();
  for (const item of last?.items ?? []) {
    if (item.result === 'carried_over') carried.set(item.personId, item.resultReason);
  }
  return people
    .filter((person) => !person.archived)
    .sort(
      (a, b) =>
        riskRank(a.risk) - riskRank(b.risk) ||
        a.name.localeCompare(b.name, 'en-GB', { sensitivity: 'base' }) ||
        a.id.localeCompare(b.id),
    )
    .map((person, index) => ({
      personId: person.id,
      order: index,
      newSince:
        since !== null &&
        (fresh.has(person.id) || (person.createdAt !== null && Date.parse(person.createdAt) > since)),
      carried: carried.has(person.id),
      carriedReason: carried.get(person.id) ?? '',
    }));
}

/** What a person's record lacks of what the series needs before discussing them ("SBAR note", ...). */
export function missingToDiscuss(
  person: Pick<
    Person,
    | 'sbarSituation'
    | 'sbarBackground'
    | 'sbarAssessment'
    | 'sbarRecommendation'
    | 'frailtyScore'
    | 'risk'
    | 'whatMatters'
  >,
  needs: readonly ReadinessNeed[],
): string[] {
  const has: Record<ReadinessNeed, boolean> = {
    sbar: [
      person.sbarSituation,
      person.sbarBackground,
      person.sbarAssessment,
      person.sbarRecommendation,
    ].every((part) => part.trim() !== ''),
    frailty: person.frailtyScore !== null,
    risk: person.risk !== null,
    whatMatters: person.whatMatters.trim() !== '',
  };
  return needs.filter((need) => !has[need]).map((need) => READINESS_NEED_LABELS[need]);
}

/** The `order` that puts an urgent addition straight after `afterOrder` (the current person) or first. */
export function urgentOrder(orders: readonly number[], afterOrder: number | null): number {
  const sorted = [...orders].sort((a, b) => a - b);
  if (afterOrder === null) return sorted.length ? sorted[0]! - 1 : 0;
  const next = sorted.find((order) => order > afterOrder);
  return next === undefined ? afterOrder + 1 : (afterOrder + next) / 2;
}

/** Items of one meeting in agenda order. */
export function agendaOf<T extends Pick<MeetingItem, 'meetingId' | 'order' | 'id'>>(
  items: readonly T[],
  meetingId: string,
): T[] {
  return items
    .filter((item) => item.meetingId === meetingId)
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/**
 * What becomes of a person on the agenda if the meeting finishes now: discussed (they have an
 * outcome, the meeting spent time on them, or it is on them), noted without discussion (marked "note
 * only"), or carried over to the series' next meeting.
 */
export function resultIfFinished(
  item: Pick<MeetingItem, 'id' | 'outcomeCode' | 'outcomeText' | 'secondsSpent' | 'mark'>,
  meeting: Pick<Meeting, 'currentItemId' | 'stepAt'>,
): ItemResult {
  const spoken = item.outcomeCode !== null || item.outcomeText !== '' || item.secondsSpent > 0;
  const onNow = item.id === meeting.currentItemId && meeting.stepAt !== null;
  if (spoken || onNow) return 'discussed';
  return item.mark === 'note_only' ? 'noted' : 'carried_over';
}

/** A meeting's attendance, one record per person (the first written, should two browsers race), by name. */
export function attendanceOf(records: readonly Attendance[], meetingId: string): Attendance[] {
  const byUser = new Map<string, Attendance>();
  for (const record of records) {
    if (record.meetingId !== meetingId) continue;
    const seen = byUser.get(record.userId);
    if (!seen || record.at < seen.at) byUser.set(record.userId, record);
  }
  return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}
