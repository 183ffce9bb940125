import type * as Y from 'yjs';
import type { Kysely } from 'kysely';
import { BoardDocument } from '#shared/board/boardDoc';
import { buildAgenda } from '#shared/board/meetings/agenda';
import { MeetingDocument, MeetingRuleError } from '#shared/board/meetings/meetingDoc';
import { meetingLabel, type Meeting } from '#shared/board/meetings/meeting';
import { validRecords } from '#shared/board/record';
import type { BoardMember } from '#shared/boards';
import { ORGANISATION_KIND_LABELS, type Organisation } from '#shared/organisations';
import {
  initialsOf,
  type MeetingListItem,
  type MeetingSummary,
  type PrepareMeetingRequest,
  type PulseResults,
  type SummaryAction,
} from '#shared/meetings';
import { MeetingPulse } from './meetingPulse.ts';
import type { Database } from '../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import { refuse, type Refusal } from '../refusal.ts';
import type { TransactionOrigin } from '../sync/origin.ts';
import type { Logger } from '../log.ts';

/** What running meetings needs of the rest of the server. */
export interface MeetingDeps {
  db: Kysely<Database>;
  /** Changes a board's live document as the server (SyncServer.change). */
  change<T>(boardId: string, origin: TransactionOrigin, write: (doc: Y.Doc) => T): Promise<T>;
  /** The board's team members, with their role, profession and organisation. */
  members(boardId: string): Promise<BoardMember[]>;
  boardName(boardId: string): Promise<string | undefined>;
  organisations(): Promise<Organisation[]>;
  /** Saves a labelled version of the board as it is now (BoardVersions.save). */
  saveVersion(
    boardId: string,
    label: string,
    by: { id: string; name: string },
  ): Promise<{ id: string } | null>;
  /** A meeting finished and its summary is kept: tell those who attended (notifications, email). */
  onFinished?(summary: MeetingSummary): Promise<void>;
  log: Logger;
  now?: () => Date;
}

const originOf = (principal: Principal): TransactionOrigin => ({
  source: 'server',
  user: {
    id: principal.userId,
    name: principal.name,
    organisation: principal.organisationName,
    organisationId: principal.organisationId,
  },
});

function refusalOf(error: unknown): Refusal {
  if (error instanceof MeetingRuleError)
    return refuse(
      error.status === 403 ? 'forbidden' : error.status === 404 ? 'not-found' : 'conflict',
      error.message,
    );
  throw error;
}

/**
 * A board's meetings, as the server runs them on the chair's request: preparing the agenda, starting
 * (a facilitator, who takes the chair), stepping through it and handing over (the chair), and
 * finishing, which saves a version labelled with the meeting and keeps its summary in Postgres.
 * The caller has checked that the principal may change the board. Every change is made to the live
 * board document with the server's clock, so every browser sees the same chair, person and timer.
 */
export class BoardMeetings {
  readonly #now: () => Date;
  readonly #pulse: MeetingPulse;

  constructor(private readonly deps: MeetingDeps) {
    this.#now = deps.now ?? (() => new Date());
    this.#pulse = new MeetingPulse(deps.db, this.#now);
  }

  /** An attendee's answers to the meeting's pulse, once; the results as they then stand. */
  async answerPulse(
    principal: Principal,
    boardId: string,
    meetingId: string,
    answer: { scores: number[]; comment: string },
  ): Promise<PulseResults | Refusal> {
    const summary = await this.summary(boardId, meetingId);
    if ('refused' in summary) return summary;
    return this.#pulse.answer(boardId, summary, principal.userId, answer);
  }

  /** The meeting's pulse: how many answered, and the answers once enough have. */
  async pulse(principal: Principal, boardId: string, meetingId: string): Promise<PulseResults | Refusal> {
    const summary = await this.summary(boardId, meetingId);
    if ('refused' in summary) return summary;
    return this.#pulse.results(boardId, summary, principal.userId);
  }

  async prepare(
    principal: Principal,
    boardId: string,
    request: Required<PrepareMeetingRequest>,
  ): Promise<Meeting | Refusal> {
    const now = this.#now();
    try {
      return await this.deps.change(boardId, originOf(principal), (doc) => {
        const board = new BoardDocument(doc);
        const meetings = new MeetingDocument(doc);
        const people = validRecords(board.readPeople());
        const news = [...validRecords(board.readActions()), ...validRecords(board.readGoals())].map((r) => ({
          personId: r.personId,
          createdAt: r.createdAt,
        }));
        for (const comment of validRecords(board.readComments())) {
          if (comment.subjectType === 'people')
            news.push({ personId: comment.subjectId, createdAt: comment.createdAt });
        }
        const agenda = buildAgenda(people, news, meetings.lastOf(request.series));
        return meetings.prepare(request, agenda, { by: { id: principal.userId, name: principal.name }, now });
      });
    } catch (error) {
      return refusalOf(error);
    }
  }

  /** Starts the meeting with the principal in the chair: a facilitator of one of the board's teams. */
  async start(principal: Principal, boardId: string, meetingId: string): Promise<Meeting | Refusal> {
    const member = (await this.deps.members(boardId)).find((m) => m.id === principal.userId);
    if (member?.role !== 'facilitator')
      return refuse(
        'forbidden',
        'A facilitator of the team starts the meeting; they can hand the chair to you',
      );
    return this.#change(principal, boardId, (meetings) => {
      meetings.start(meetingId, { id: principal.userId, name: principal.name }, this.#now());
      return meetings.meeting(meetingId);
    });
  }

  /** Moves the meeting to a person: the chair only. */
  async step(
    principal: Principal,
    boardId: string,
    meetingId: string,
    itemId: string,
  ): Promise<Meeting | Refusal> {
    return this.#change(principal, boardId, (meetings) => {
      this.#needsChair(meetings.meeting(meetingId), principal, 'Only the chair moves the meeting on');
      meetings.step(meetingId, itemId, this.#now());
      return meetings.meeting(meetingId);
    });
  }

  /** Hands the chair to a member of the board's teams: the chair, or a facilitator taking over. */
  async handOver(
    principal: Principal,
    boardId: string,
    meetingId: string,
    userId: string,
  ): Promise<Meeting | Refusal> {
    const members = await this.deps.members(boardId);
    const to = members.find((m) => m.id === userId);
    if (!to || to.role === 'viewer')
      return refuse('invalid', 'Hand the chair to a member of the team who can change the board', 'userId');
    const isFacilitator = members.some((m) => m.id === principal.userId && m.role === 'facilitator');
    return this.#change(principal, boardId, (meetings) => {
      const meeting = meetings.meeting(meetingId);
      if (!isFacilitator)
        this.#needsChair(meeting, principal, 'Only the chair or a facilitator hands the chair over');
      meetings.handOver(meetingId, { id: to.id, name: to.name });
      return meetings.meeting(meetingId);
    });
  }

  /**
   * Finishes the meeting (the chair only): carries people not reached over with `carryReason`,
   * saves a version labelled with the meeting, and keeps its summary.
   */
  async finish(
    principal: Principal,
    boardId: string,
    meetingId: string,
    carryReason: string,
  ): Promise<MeetingSummary | Refusal> {
    const finished = await this.#change(principal, boardId, (meetings) => {
      this.#needsChair(meetings.meeting(meetingId), principal, 'Only the chair finishes the meeting');
      return meetings.finish(meetingId, carryReason, this.#now());
    });
    if ('refused' in finished) return finished;
    const summary = await this.#keepSummary(boardId, meetingId, {
      id: principal.userId,
      name: principal.name,
    });
    return summary ?? refuse('not-found', 'There is no such meeting on this board');
  }

  /** A finished meeting's summary; one finished while the database was away is completed now. */
  async summary(boardId: string, meetingId: string): Promise<MeetingSummary | Refusal> {
    const row = await this.deps.db
      .selectFrom('meeting_summaries')
      .select('summary')
      .where('board_id', '=', boardId)
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    if (row) return row.summary as MeetingSummary;
    const summary = await this.#keepSummary(boardId, meetingId, null);
    return summary ?? refuse('not-found', 'That meeting has not finished, or is not on this board');
  }

  /** The board's finished meetings, newest first. */
  async list(boardId: string): Promise<MeetingListItem[]> {
    const rows = await this.deps.db
      .selectFrom('meeting_summaries')
      .select(['meeting_id', 'series', 'finished_at', 'summary'])
      .where('board_id', '=', boardId)
      .orderBy('finished_at', 'desc')
      .limit(200)
      .execute();
    return rows.map((row) => {
      const summary = row.summary as MeetingSummary;
      return {
        meetingId: row.meeting_id,
        series: row.series,
        label: summary.label,
        finishedAt: row.finished_at.toISOString(),
        people: summary.people.length,
        attended: summary.attendance.length,
      };
    });
  }

  async #change<T>(
    principal: Principal,
    boardId: string,
    write: (meetings: MeetingDocument) => T,
  ): Promise<T | Refusal> {
    try {
      return await this.deps.change(boardId, originOf(principal), (doc) => write(new MeetingDocument(doc)));
    } catch (error) {
      return refusalOf(error);
    }
  }

  #needsChair(meeting: Meeting, principal: Principal, message: string): void {
    if (meeting.status === 'running' && meeting.chairId !== principal.userId)
      throw new MeetingRuleError(message, 403);
  }

  /**
   * Saves the finished meeting's version (once) and keeps its summary, built from the board as it
   * is now. Null when the meeting is not on the board or has not finished.
   */
  async #keepSummary(
    boardId: string,
    meetingId: string,
    by: { id: string; name: string } | null,
  ): Promise<MeetingSummary | null> {
    const meeting = await this.deps.change(boardId, { source: 'server' }, (doc) => {
      try {
        return new MeetingDocument(doc).meeting(meetingId);
      } catch {
        return null;
      }
    });
    if (!meeting || meeting.status !== 'finished') return null;
    const label = meetingLabel(meeting);
    let versionId = meeting.versionId;
    if (!versionId) {
      const saved = await this.deps.saveVersion(
        boardId,
        label,
        by ?? { id: meeting.chairId ?? '', name: meeting.chairName ?? 'Huddle' },
      );
      versionId = saved?.id ?? null;
      if (versionId)
        await this.deps.change(boardId, { source: 'server' }, (doc) =>
          new MeetingDocument(doc).noteVersion(meetingId, versionId!),
        );
    }
    const [members, organisations, boardName] = await Promise.all([
      this.deps.members(boardId),
      this.deps.organisations(),
      this.deps.boardName(boardId),
    ]);
    const summary = await this.deps.change(boardId, { source: 'server' }, (doc) =>
      summarise(doc, meetingId, {
        boardId,
        boardName: boardName ?? '',
        label,
        versionId,
        members,
        organisations,
      }),
    );
    const inserted = await this.deps.db
      .insertInto('meeting_summaries')
      .values({
        board_id: boardId,
        meeting_id: meetingId,
        series: meeting.series,
        started_at: new Date(summary.startedAt),
        finished_at: new Date(summary.finishedAt),
        version_id: versionId,
        summary: JSON.stringify(summary),
      })
      .onConflict((oc) => oc.columns(['board_id', 'meeting_id']).doNothing())
      .returning('meeting_id')
      .executeTakeFirst();
    if (inserted && this.deps.onFinished) {
      await this.deps
        .onFinished(summary)
        .catch((err: unknown) =>
          this.deps.log.error(
            { err, boardId, meetingId },
            'telling attendees about a finished meeting failed',
          ),
        );
    }
    return summary;
  }
}

/** A finished meeting's summary from the board's document as it is now. */
export function summarise(
  doc: Y.Doc,
  meetingId: string,
  context: {
    boardId: string;
    boardName: string;
    label: string;
    versionId: string | null;
    members: readonly BoardMember[];
    organisations: readonly Organisation[];
  },
): MeetingSummary {
  const meetings = new MeetingDocument(doc);
  const board = new BoardDocument(doc);
  const meeting = meetings.meeting(meetingId);
  const people = new Map(validRecords(board.readPeople()).map((p) => [p.id, p]));
  const actions = new Map(validRecords(board.readActions()).map((a) => [a.id, a]));
  const orgName = new Map(context.organisations.map((o) => [o.id, o.name]));
  const actionOf = (id: string | null): SummaryAction | null => {
    const action = id ? actions.get(id) : undefined;
    return action
      ? {
          id: action.id,
          title: action.title,
          ownerName: action.ownerName,
          ownerOrganisation: orgName.get(action.ownerOrganisationId) ?? null,
          dueDate: action.dueDate,
          status: action.status,
        }
      : null;
  };
  // Who attended as the server knows them (profession, organisation), not as a browser wrote them;
  // anyone not on the board's teams is left out.
  const members = new Map(context.members.map((m) => [m.id, m]));
  const attendance = meetings.attendance(meetingId).flatMap((a) => {
    const member = members.get(a.userId);
    return member
      ? [
          {
            ...a,
            name: member.name,
            profession: member.profession,
            organisationId: member.organisation?.id ?? null,
            organisationName: member.organisation?.name ?? null,
          },
        ]
      : [];
  });
  const attendingOrgs = new Set(attendance.map((a) => a.organisationId).filter(Boolean));
  const absent = new Map<string, Organisation>();
  for (const member of context.members) {
    const org = member.organisation;
    if (org && !attendingOrgs.has(org.id)) absent.set(org.id, org);
  }
  const items = meetings.items(meetingId).map((item) => {
    const name = people.get(item.personId)?.name ?? 'Someone no longer on the board';
    return {
      itemId: item.id,
      personId: item.personId,
      name,
      initials: initialsOf(name),
      result: item.result ?? 'carried_over',
      resultReason: item.resultReason,
      urgent: item.urgent,
      outcomeCode: item.outcomeCode,
      outcomeText: item.outcomeText,
      // The writer as the team knows them: the name a browser wrote beside the id is only its word.
      outcomeBy: (item.outcomeById ? members.get(item.outcomeById)?.name : undefined) ?? item.outcomeBy,
      secondsSpent: item.secondsSpent,
      actions: item.actionIds.flatMap((id) => actionOf(id) ?? []),
      tell: actionOf(item.tellActionId),
    };
  });
  const startedAt = meeting.startedAt ?? meeting.preparedAt;
  const finishedAt = meeting.finishedAt ?? startedAt;
  return {
    boardId: context.boardId,
    boardName: context.boardName,
    meetingId,
    series: meeting.series,
    label: context.label,
    startedAt,
    finishedAt,
    chair: meeting.chairName,
    versionId: context.versionId,
    attendance: attendance.map((a) => ({
      userId: a.userId,
      name: a.name,
      profession: a.profession,
      organisationId: a.organisationId,
      organisation: a.organisationName,
      how: a.how,
    })),
    absentOrganisations: [...absent.values()]
      .map((o) => ({ name: o.name, kind: ORGANISATION_KIND_LABELS[o.kind] }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB')),
    people: items,
    figures: {
      people: items.length,
      discussed: items.filter((i) => i.result === 'discussed').length,
      noted: items.filter((i) => i.result === 'noted').length,
      carriedOver: items.filter((i) => i.result === 'carried_over').length,
      actionsAgreed: items.reduce((sum, i) => sum + i.actions.length, 0),
      minutes: Math.round((Date.parse(finishedAt) - Date.parse(startedAt)) / 60_000),
    },
  };
}
