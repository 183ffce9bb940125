import { inPathwayOrder } from '#shared/board/boardDoc';
import type { Action } from '#shared/board/action';
import type { Comment } from '#shared/board/comment';
import type { Goal } from '#shared/board/goal';
import type { Amendment, Attendance, Meeting, MeetingItem } from '#shared/board/meetings/meeting';
import type { PathwayStage } from '#shared/board/pathway';
import type { Person } from '#shared/board/person';
import type { RecordRead } from '#shared/board/record';
import { COLLECTION_NAMES } from '#shared/board/records';
import type { BoardSnapshot } from '#shared/board/snapshot';
import type { BoardRead } from './boardSync.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether one entry of a snapshot is a record's read: valid with its value, or not with its problems. */
function isRead(entry: unknown): entry is RecordRead<unknown> {
  if (!isObject(entry) || typeof entry.id !== 'string') return false;
  if (entry.ok === true) return isObject(entry.value);
  return entry.ok === false && Array.isArray(entry.problems) && isObject(entry.raw);
}

/** One collection of a snapshot as the server sent it: anything that is not a record's read is left out. */
function snapshotReads<T>(reads: unknown): RecordRead<T>[] {
  return Array.isArray(reads) ? (reads.filter(isRead) as RecordRead<T>[]) : [];
}

/** The server's snapshot of a board with anything that is not a record's read left out. */
export function snapshotReadsOf(snapshot: BoardSnapshot): BoardSnapshot {
  const reads = {} as BoardSnapshot;
  for (const name of COLLECTION_NAMES) reads[name] = snapshotReads(snapshot[name]);
  return reads;
}

/** The server's snapshot of a board, read as the board's document would be (validated there, with the same validators). */
export function readSnapshot(snapshot: BoardSnapshot): BoardRead {
  const reads = snapshotReadsOf(snapshot);
  return {
    actions: reads.actions as RecordRead<Action>[],
    people: reads.people as RecordRead<Person>[],
    goals: reads.goals as RecordRead<Goal>[],
    stages: inPathwayOrder(reads.pathwayStages as RecordRead<PathwayStage>[]),
    comments: reads.comments as RecordRead<Comment>[],
    meetings: reads.meetings as RecordRead<Meeting>[],
    meetingItems: reads.meetingItems as RecordRead<MeetingItem>[],
    attendance: reads.meetingAttendance as RecordRead<Attendance>[],
    amendments: reads.meetingAmendments as RecordRead<Amendment>[],
  };
}
