import { inPathwayOrder } from '#shared/board/boardDoc';
import type { RecordRead } from '#shared/board/record';
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

/** The server's snapshot of a board, read as the board's document would be (validated there, with the same validators). */
export function readSnapshot(snapshot: BoardSnapshot): BoardRead {
  return {
    actions: snapshotReads(snapshot.actions),
    people: snapshotReads(snapshot.people),
    goals: snapshotReads(snapshot.goals),
    stages: inPathwayOrder(snapshotReads(snapshot.pathwayStages)),
    comments: snapshotReads(snapshot.comments),
    meetings: snapshotReads(snapshot.meetings),
    meetingItems: snapshotReads(snapshot.meetingItems),
    attendance: snapshotReads(snapshot.meetingAttendance),
    amendments: snapshotReads(snapshot.meetingAmendments),
  };
}
