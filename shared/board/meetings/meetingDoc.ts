import * as Y from 'yjs';
import type { z } from 'zod';
import { uuidv4 } from 'lib0/random';
import { problemsOf, type WriteContext } from '../record.ts';
import { Collection } from '../records.ts';
import { agendaOf, attendanceOf, resultIfFinished, urgentOrder, type AgendaEntry } from './agenda.ts';
import {
  amendmentSchema,
  attendanceSchema,
  meetingItemSchema,
  meetingSchema,
  outcomeInputSchema,
  type AgendaMark,
  type Attendance,
  type AttendanceMode,
  type Meeting,
  type MeetingItem,
  type OutcomeInput,
  type ReadinessNeed,
} from './meeting.ts';

/** Someone at a meeting, as the team knows them. */
export interface Attendee {
  userId: string;
  name: string;
  profession: string;
  organisationId: string | null;
  organisationName: string | null;
}

/** A refusal of a meeting request: the server answers it with this status. */
export class MeetingRuleError extends Error {
  override readonly name = 'MeetingRuleError';
  constructor(
    message: string,
    readonly status: 403 | 404 | 409 = 409,
  ) {
    super(message);
  }
}

type Fields = Record<string, unknown>;

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(problemsOf(parsed.error).join('; '));
  return parsed.data;
}

/**
 * Reads and writes a board's meetings in its document. Members' writes (marks before the meeting,
 * outcomes, urgent additions, joining, amendments) come from browsers and are checked by the
 * server's rules; preparing, starting, stepping, handing over and finishing are the server's, on
 * the chair's request, with the server's clock. Every write is one transaction with the origin given.
 */
export class MeetingDocument {
  constructor(
    readonly doc: Y.Doc,
    private readonly origin: unknown = null,
  ) {}

  meeting(id: string): Meeting {
    const record = this.#map(Collection.meetings).get(id);
    if (!(record instanceof Y.Map)) throw new MeetingRuleError('There is no such meeting on this board', 404);
    return parse(meetingSchema, { ...record.toJSON(), id });
  }

  /** The meeting not yet finished, if any: a board has one open at a time. */
  openMeeting(): Meeting | null {
    for (const [id, record] of this.#map(Collection.meetings).entries()) {
      if (!(record instanceof Y.Map)) continue;
      const parsed = meetingSchema.safeParse({ ...record.toJSON(), id });
      if (parsed.success && parsed.data.status !== 'finished') return parsed.data;
    }
    return null;
  }

  /** The series' last finished meeting, with its agenda. */
  lastOf(series: string): { meeting: Meeting; items: MeetingItem[] } | null {
    let last: Meeting | null = null;
    for (const [id, record] of this.#map(Collection.meetings).entries()) {
      if (!(record instanceof Y.Map)) continue;
      const parsed = meetingSchema.safeParse({ ...record.toJSON(), id });
      if (!parsed.success || parsed.data.status !== 'finished' || parsed.data.series !== series) continue;
      if (!last || (parsed.data.finishedAt ?? '') > (last.finishedAt ?? '')) last = parsed.data;
    }
    return last ? { meeting: last, items: this.items(last.id) } : null;
  }

  /** A meeting's valid agenda items in order. */
  items(meetingId: string): MeetingItem[] {
    const items: MeetingItem[] = [];
    for (const [id, record] of this.#map(Collection.meetingItems).entries()) {
      if (!(record instanceof Y.Map) || record.get('meetingId') !== meetingId) continue;
      const parsed = meetingItemSchema.safeParse({ ...record.toJSON(), id });
      if (parsed.success) items.push(parsed.data);
    }
    return agendaOf(items, meetingId);
  }

  /** A meeting's attendance, one record per person (the first written, should two browsers race). */
  attendance(meetingId: string): Attendance[] {
    const records: Attendance[] = [];
    for (const [id, record] of this.#map(Collection.meetingAttendance).entries()) {
      if (!(record instanceof Y.Map) || record.get('meetingId') !== meetingId) continue;
      const parsed = attendanceSchema.safeParse({ ...record.toJSON(), id });
      if (parsed.success) records.push(parsed.data);
    }
    return attendanceOf(records, meetingId);
  }

  // Members' writes

  /** Marks a person on the agenda "discuss", "note only" or "not ready" (null: no mark). */
  markItem(itemId: string, mark: AgendaMark | null, { by }: WriteContext): void {
    const record = this.#item(itemId);
    if (this.meeting(String(record.get('meetingId'))).status === 'finished')
      throw new MeetingRuleError('The meeting has finished');
    this.#set(record, meetingItemSchema, { mark, markBy: mark ? by.name : null });
  }

  /** Writes a person's outcome in a running meeting, as `by`. */
  recordOutcome(itemId: string, input: OutcomeInput, { by, now = new Date() }: WriteContext): void {
    const record = this.#item(itemId);
    this.#needsRunning(String(record.get('meetingId')), 'Outcomes are written once the meeting has started');
    const outcome = parse(outcomeInputSchema, input);
    this.#set(record, meetingItemSchema, {
      ...outcome,
      outcomeBy: by.name,
      outcomeById: by.id,
      outcomeAt: now.toISOString(),
    });
  }

  /** Notes an action agreed for the person in the meeting (or the one to tell them and their GP). */
  linkAction(itemId: string, actionId: string, as: 'agreed' | 'tell'): void {
    const record = this.#item(itemId);
    this.#needsRunning(String(record.get('meetingId')), 'Actions are agreed while the meeting runs');
    if (as === 'tell') {
      this.#set(record, meetingItemSchema, { tellActionId: actionId });
      return;
    }
    const current = record.get('actionIds');
    const ids = Array.isArray(current) ? current.filter((id): id is string => typeof id === 'string') : [];
    if (!ids.includes(actionId)) this.#set(record, meetingItemSchema, { actionIds: [...ids, actionId] });
  }

  /** Adds someone to an agenda after it was built, as urgent: next after the current person, or first. */
  addUrgent(
    meetingId: string,
    personId: string,
    { by, id = uuidv4() }: WriteContext & { id?: string },
  ): MeetingItem {
    const meeting = this.meeting(meetingId);
    if (meeting.status === 'finished')
      throw new MeetingRuleError('The meeting has finished: add them to the next one');
    const items = this.items(meetingId);
    if (items.some((item) => item.personId === personId))
      throw new MeetingRuleError('They are already on this agenda');
    const current = items.find((item) => item.id === meeting.currentItemId);
    const item = parse(meetingItemSchema, {
      id,
      meetingId,
      personId,
      order: urgentOrder(
        items.map((i) => i.order),
        current?.order ?? null,
      ),
      urgent: true,
      addedBy: by.name,
      addedById: by.id,
    });
    this.#transact(() => this.#create(Collection.meetingItems, id, item));
    return item;
  }

  /** Puts `attendee` on a running meeting's attendance: joining themselves, or marked by the chair. */
  attend(
    meetingId: string,
    attendee: Attendee,
    how: AttendanceMode,
    { by, now = new Date() }: WriteContext,
  ): void {
    this.#needsRunning(meetingId, 'Attendance is taken while the meeting runs');
    const fields = { how, markedBy: by.name, markedById: by.id, at: now.toISOString() };
    for (const [id, record] of this.#map(Collection.meetingAttendance).entries()) {
      if (
        record instanceof Y.Map &&
        record.get('meetingId') === meetingId &&
        record.get('userId') === attendee.userId
      ) {
        if (how === 'joined' || record.get('how') === how) return;
        this.#set(record, attendanceSchema, fields, id);
        return;
      }
    }
    const id = uuidv4();
    const record = parse(attendanceSchema, { id, meetingId, ...attendee, ...fields });
    this.#transact(() => this.#create(Collection.meetingAttendance, id, record));
  }

  /** Adds a signed amendment to a person's outcome once the meeting has finished. */
  amend(meetingId: string, itemId: string, text: string, { by, now = new Date() }: WriteContext): void {
    if (this.meeting(meetingId).status !== 'finished')
      throw new MeetingRuleError('While the meeting runs, change the outcome itself');
    if (this.#item(itemId).get('meetingId') !== meetingId)
      throw new MeetingRuleError('That person was not on this meeting’s agenda', 404);
    const id = uuidv4();
    const amendment = parse(amendmentSchema, {
      id,
      meetingId,
      itemId,
      text,
      by: by.name,
      byId: by.id,
      at: now.toISOString(),
    });
    this.#transact(() => this.#create(Collection.meetingAmendments, id, amendment));
  }

  // The server's writes, on the chair's request

  /** Builds a meeting's agenda; the board has one open meeting at a time. */
  prepare(
    settings: { series: string; needs: readonly ReadinessNeed[]; slotSeconds: number },
    agenda: readonly AgendaEntry[],
    { by, now = new Date(), id = uuidv4() }: WriteContext & { id?: string },
  ): Meeting {
    const open = this.openMeeting();
    if (open) throw new MeetingRuleError(`Finish ${open.series} before preparing another meeting`);
    const meeting = parse(meetingSchema, {
      id,
      ...settings,
      status: 'planned',
      preparedAt: now.toISOString(),
      preparedBy: by.name,
      preparedById: by.id,
    });
    const items = agenda.map((entry) => parse(meetingItemSchema, { ...entry, id: uuidv4(), meetingId: id }));
    this.#transact(() => {
      this.#create(Collection.meetings, id, meeting);
      for (const item of items) this.#create(Collection.meetingItems, item.id, item);
    });
    return meeting;
  }

  /** Starts a planned meeting with `chair` in the chair, at the first person on the agenda. */
  start(meetingId: string, chair: { id: string; name: string }, now: Date): void {
    const meeting = this.meeting(meetingId);
    if (meeting.status !== 'planned') throw new MeetingRuleError('The meeting has already started');
    const first = this.items(meetingId)[0];
    this.#setMeeting(meetingId, {
      status: 'running',
      startedAt: now.toISOString(),
      chairId: chair.id,
      chairName: chair.name,
      currentItemId: first?.id ?? null,
      stepAt: first ? now.toISOString() : null,
    });
  }

  /** Moves the meeting to another person; the time on the last one is added to theirs. */
  step(meetingId: string, itemId: string, now: Date): void {
    const meeting = this.#running(meetingId);
    const target = this.#item(itemId);
    if (target.get('meetingId') !== meetingId)
      throw new MeetingRuleError('That person is not on this agenda', 404);
    if (meeting.currentItemId === itemId) return;
    this.#transact(() => {
      this.#stopClock(meeting, now);
      this.#setMeeting(meetingId, { currentItemId: itemId, stepAt: now.toISOString() });
    });
  }

  /** Hands the chair to someone else. */
  handOver(meetingId: string, to: { id: string; name: string }): void {
    this.#running(meetingId);
    this.#setMeeting(meetingId, { chairId: to.id, chairName: to.name });
  }

  /**
   * Finishes a running meeting: everyone on the agenda is recorded as discussed (they have an
   * outcome, or the meeting spent time on them), noted without discussion (marked "note only"), or
   * carried over to the series' next meeting with `carryReason` (or why they were not ready).
   */
  finish(meetingId: string, carryReason: string, now: Date): Meeting {
    const meeting = this.#running(meetingId);
    this.#transact(() => {
      this.#stopClock(meeting, now);
      for (const item of this.items(meetingId)) {
        const result = resultIfFinished(item, meeting);
        const reason =
          result !== 'carried_over'
            ? ''
            : item.mark === 'not_ready'
              ? 'Not ready for discussion'
              : carryReason;
        this.#set(this.#item(item.id), meetingItemSchema, { result, resultReason: reason });
      }
      this.#setMeeting(meetingId, {
        status: 'finished',
        finishedAt: now.toISOString(),
        currentItemId: null,
        stepAt: null,
      });
    });
    return this.meeting(meetingId);
  }

  /** Records the version the finished meeting saved. */
  noteVersion(meetingId: string, versionId: string): void {
    this.#setMeeting(meetingId, { versionId });
  }

  #stopClock(meeting: Meeting, now: Date): void {
    if (!meeting.currentItemId || !meeting.stepAt) return;
    const record = this.#map(Collection.meetingItems).get(meeting.currentItemId);
    if (!(record instanceof Y.Map)) return;
    const spent = Math.max(0, Math.round((now.getTime() - Date.parse(meeting.stepAt)) / 1000));
    const before =
      typeof record.get('secondsSpent') === 'number' ? (record.get('secondsSpent') as number) : 0;
    this.#set(record, meetingItemSchema, { secondsSpent: before + spent });
  }

  #running(meetingId: string): Meeting {
    const meeting = this.meeting(meetingId);
    if (meeting.status === 'planned') throw new MeetingRuleError('The meeting has not started yet');
    if (meeting.status === 'finished') throw new MeetingRuleError('The meeting has finished');
    return meeting;
  }

  #needsRunning(meetingId: string, message: string): void {
    if (this.meeting(meetingId).status !== 'running') throw new MeetingRuleError(message);
  }

  #setMeeting(meetingId: string, fields: Partial<Meeting>): void {
    const record = this.#map(Collection.meetings).get(meetingId);
    if (!(record instanceof Y.Map)) throw new MeetingRuleError('There is no such meeting on this board', 404);
    this.#set(record, meetingSchema, fields, meetingId);
  }

  #item(itemId: string): Y.Map<unknown> {
    const record = this.#map(Collection.meetingItems).get(itemId);
    if (!(record instanceof Y.Map)) throw new MeetingRuleError('That person is not on the agenda', 404);
    return record;
  }

  /** Writes `fields` into `record` once the whole record with them is valid. */
  #set(record: Y.Map<unknown>, schema: z.ZodType<unknown>, fields: Fields, id = 'record'): void {
    parse(schema, { ...record.toJSON(), ...fields, id });
    this.#transact(() => {
      for (const [key, value] of Object.entries(fields)) {
        if (JSON.stringify(record.get(key)) !== JSON.stringify(value)) record.set(key, value);
      }
    });
  }

  #create(collection: string, id: string, value: object): void {
    const map = this.#map(collection);
    if (map.has(id)) throw new Error(`A record with id ${id} is already on this board`);
    const record = new Y.Map<unknown>();
    map.set(id, record);
    for (const [key, field] of Object.entries(value))
      if (key !== 'id' && field !== undefined) record.set(key, field);
  }

  #map(name: string): Y.Map<unknown> {
    return this.doc.getMap(name);
  }

  #transact(fn: () => void): void {
    this.doc.transact(fn, this.origin);
  }
}
