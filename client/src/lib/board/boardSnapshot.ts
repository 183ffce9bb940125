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

/** Each collection of a board's read, put through `change`. */
function eachCollection(
  read: BoardRead,
  change: (reads: RecordRead<unknown>[]) => RecordRead<unknown>[],
): BoardRead {
  const changed = {} as Record<keyof BoardRead, RecordRead<unknown>[]>;
  for (const key of Object.keys(read) as (keyof BoardRead)[]) changed[key] = change(read[key]);
  return changed as BoardRead;
}

/**
 * What a snapshot drew, kept once the document is read: each record the document holds as the
 * snapshot had it is shown as the snapshot's own object, then and in every later read until it
 * changes, so that views redraw only what changed meanwhile rather than the whole board.
 */
export class SnapshotRecords {
  readonly #drawn = new WeakMap<RecordRead<unknown>, RecordRead<unknown>>();
  #kept = false;

  /** Notes the document's first read against the snapshot shown until then. */
  adopt(shown: BoardRead, read: BoardRead): void {
    for (const key of Object.keys(read) as (keyof BoardRead)[]) {
      const drawn = new Map(shown[key].map((record) => [record.id, record]));
      for (const record of read[key]) {
        const before = drawn.get(record.id);
        // The document's read took the snapshot's own object (`expectReads`): nothing to keep.
        if (before === record) continue;
        if (before && JSON.stringify(before) === JSON.stringify(record)) {
          this.#drawn.set(record, before);
          this.#kept = true;
        }
      }
    }
  }

  /** The document's read, with the records unchanged since the snapshot as the snapshot's objects. */
  shown(read: BoardRead): BoardRead {
    if (!this.#kept) return read;
    return eachCollection(read, (reads) => reads.map((record) => this.#drawn.get(record) ?? record));
  }
}
