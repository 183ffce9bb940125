import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import type { Action } from '#shared/board/action';
import { agendaOf, attendanceOf, missingToDiscuss } from '#shared/board/meetings/agenda';
import type { Attendee } from '#shared/board/meetings/meetingDoc';
import type {
  AgendaMark,
  Amendment,
  Attendance,
  AttendanceMode,
  Meeting,
  MeetingItem,
  OutcomeInput,
} from '#shared/board/meetings/meeting';
import type { Person } from '#shared/board/person';
import { validRecords } from '#shared/board/record';
import type { MeetingSummary, PrepareMeetingRequest } from '#shared/meetings';
import {
  finishMeeting,
  handOverChair,
  prepareMeeting,
  startMeeting,
  stepMeeting,
} from '../api/meetingsApi.ts';
import { useBoardStore } from './board.ts';
import { useSessionStore } from './session.ts';

/** One person on the agenda, with their record and what it lacks before they can be discussed. */
export interface AgendaEntry {
  item: MeetingItem;
  person: Person | null;
  /** What the series needs that their record lacks ("SBAR note"). */
  missing: string[];
  /** Not ready: marked so, or lacking what the series needs. */
  notReady: boolean;
}

/**
 * The open board's meeting: the one being prepared or running (a board has one at a time), its
 * agenda with each person's record, attendance, and who chairs; whether this screen follows the
 * chair or is browsing on its own; and what members and the chair do. The meeting lives in the
 * board's document (always as it is now, whatever past version is open); the chair's requests go
 * to the server, which changes it for everyone.
 */
export const useMeetingStore = defineStore('meeting', () => {
  const board = useBoardStore();
  const session = useSessionStore();

  const meetings = computed(() => validRecords(board.live.meetings));
  const items = computed(() => validRecords(board.live.meetingItems));
  const people = computed(() => new Map(validRecords(board.live.people).map((p) => [p.id, p])));
  /** The meeting being prepared or running, if any. */
  const open = computed<Meeting | null>(() => meetings.value.find((m) => m.status !== 'finished') ?? null);
  /** Finished meetings, newest first. */
  const finished = computed(() =>
    meetings.value
      .filter((m) => m.status === 'finished')
      .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? '')),
  );
  const agenda = computed<AgendaEntry[]>(() => {
    const meeting = open.value;
    if (!meeting) return [];
    return agendaOf(items.value, meeting.id).map((item) => {
      const person = people.value.get(item.personId) ?? null;
      const missing = person ? missingToDiscuss(person, meeting.needs) : [];
      return { item, person, missing, notReady: item.mark === 'not_ready' || missing.length > 0 };
    });
  });
  /** Who is at the meeting, by name, profession and organisation as the team knows them (not as a browser wrote them). */
  const attendance = computed<Attendance[]>(() => {
    if (!open.value) return [];
    const members = new Map(board.members.map((m) => [m.id, m]));
    return attendanceOf(validRecords(board.live.attendance), open.value.id).map((a) => {
      const member = members.get(a.userId);
      return member
        ? {
            ...a,
            name: member.name,
            profession: member.profession,
            organisationId: member.organisation?.id ?? null,
            organisationName: member.organisation?.name ?? null,
          }
        : a;
    });
  });
  const userId = computed(() => session.user?.id ?? null);
  const running = computed(() => open.value?.status === 'running');
  const isChair = computed(() => running.value && open.value?.chairId === userId.value);
  /** Whether the user may change the board (a past version being open does not stop meeting work). */
  const canEdit = computed(() => !board.readOnly || board.viewingVersion);
  const myRole = computed(() => board.members.find((m) => m.id === userId.value)?.role ?? null);
  const isFacilitator = computed(() => myRole.value === 'facilitator');
  const attending = computed(() => attendance.value.some((a) => a.userId === userId.value));
  /** Organisations of the board's teams with nobody at the meeting. */
  const absentOrganisations = computed(() => {
    const present = new Set(attendance.value.map((a) => a.organisationId));
    const absent = new Map<string, { id: string; name: string; kind: string }>();
    for (const member of board.members) {
      const org = member.organisation;
      if (org && !present.has(org.id)) absent.set(org.id, org);
    }
    return [...absent.values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  });

  /** The person this screen looks at on its own; null while it follows the chair. */
  const browsingItemId = ref<string | null>(null);
  const following = computed(() => browsingItemId.value === null || isChair.value);
  const currentEntry = computed(
    () => agenda.value.find((e) => e.item.id === open.value?.currentItemId) ?? null,
  );
  /** The person this screen shows: the chair's, unless its user is browsing on their own. */
  const shownEntry = computed(() => {
    if (!following.value) {
      const browsing = agenda.value.find((e) => e.item.id === browsingItemId.value);
      if (browsing) return browsing;
    }
    return currentEntry.value;
  });

  function browse(itemId: string | null): void {
    browsingItemId.value = itemId === open.value?.currentItemId ? null : itemId;
  }

  /** A request to the server is on its way (one at a time). */
  const busy = ref(false);
  async function request<T>(send: (boardId: string) => Promise<T>): Promise<T> {
    const boardId = board.boardId;
    if (!boardId) throw new Error('No board is open');
    if (busy.value) throw new Error('Huddle is still doing the last thing you asked; try again in a moment');
    busy.value = true;
    try {
      return await send(boardId);
    } finally {
      busy.value = false;
    }
  }
  const openId = (): string => {
    if (!open.value) throw new Error('There is no meeting open on this board');
    return open.value.id;
  };

  const prepare = (settings: PrepareMeetingRequest): Promise<Meeting> =>
    request((boardId) => prepareMeeting(boardId, settings));
  const start = (): Promise<Meeting> => request((boardId) => startMeeting(boardId, openId()));
  const step = (itemId: string): Promise<Meeting> =>
    request((boardId) => stepMeeting(boardId, openId(), itemId)).then((meeting) => {
      browsingItemId.value = null;
      return meeting;
    });
  const handOver = (to: string): Promise<Meeting> =>
    request((boardId) => handOverChair(boardId, openId(), to));
  const finish = (carryReason: string): Promise<MeetingSummary> =>
    request((boardId) => finishMeeting(boardId, openId(), carryReason));

  /** The next and previous person from the one the meeting is on. */
  function neighbour(direction: 1 | -1): AgendaEntry | null {
    const index = agenda.value.findIndex((e) => e.item.id === open.value?.currentItemId);
    return agenda.value[index + direction] ?? null;
  }

  function attendeeFor(userId: string): Attendee {
    const member = board.members.find((m) => m.id === userId);
    if (!member) throw new Error('They are not a member of the board’s teams');
    return {
      userId: member.id,
      name: member.name,
      profession: member.profession,
      organisationId: member.organisation?.id ?? null,
      organisationName: member.organisation?.name ?? null,
    };
  }

  const mark = (itemId: string, value: AgendaMark | null): void =>
    board.writeMeeting((m, as) => m.markItem(itemId, value, as));
  const recordOutcome = (itemId: string, input: OutcomeInput): void =>
    board.writeMeeting((m, as) => m.recordOutcome(itemId, input, as));
  const linkAction = (itemId: string, action: Action, as: 'agreed' | 'tell'): void =>
    board.writeMeeting((m) => m.linkAction(itemId, action.id, as));
  const addUrgent = (personId: string): MeetingItem =>
    board.writeMeeting((m, as) => m.addUrgent(openId(), personId, as));
  /** Puts the signed-in user on the attendance of the running meeting, once. */
  function join(): void {
    if (!running.value || attending.value || !canEdit.value || !userId.value) return;
    if (!board.members.some((m) => m.id === userId.value)) return;
    board.writeMeeting((m, as) => m.attend(openId(), attendeeFor(userId.value!), 'joined', as));
  }
  const markPresent = (memberId: string, how: AttendanceMode): void =>
    board.writeMeeting((m, as) => m.attend(openId(), attendeeFor(memberId), how, as));
  const amend = (meetingId: string, itemId: string, text: string): void =>
    board.writeMeeting((m, as) => m.amend(meetingId, itemId, text, as));

  /** A finished meeting's signed amendments, by agenda item. */
  function amendmentsOf(meetingId: string): Map<string, Amendment[]> {
    const byItem = new Map<string, Amendment[]>();
    for (const amendment of validRecords(board.live.amendments)) {
      if (amendment.meetingId !== meetingId) continue;
      byItem.set(amendment.itemId, [...(byItem.get(amendment.itemId) ?? []), amendment]);
    }
    for (const list of byItem.values()) list.sort((a, b) => a.at.localeCompare(b.at));
    return byItem;
  }

  return {
    open,
    finished,
    agenda,
    attendance,
    absentOrganisations,
    running,
    isChair,
    canEdit,
    isFacilitator,
    attending,
    following,
    currentEntry,
    shownEntry,
    busy,
    browse,
    neighbour,
    prepare,
    start,
    step,
    handOver,
    finish,
    mark,
    recordOutcome,
    linkAction,
    addUrgent,
    join,
    markPresent,
    amend,
    amendmentsOf,
  };
});
