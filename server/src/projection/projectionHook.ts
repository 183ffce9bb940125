import { isProjectedCollection } from '#shared/board/records';
import type { AppliedChange, ProjectedRecord, ProjectionChange } from '../sync/boardChange.ts';
import type { LoadedBoard, RoomHook, RoomLog } from '../sync/roomContract.ts';
import { changeTransitions, projectRead, wholeProjection } from './boardProjection.ts';

/** What the projection hook asks of the database: whether a board's projection is current. */
export interface ProjectionState {
  isCurrent(boardId: string): Promise<boolean>;
}

/** The action fields `progress_runs` copies (progress/progressRuns.ts). */
const RUN_FIELDS = ['ownerId', 'ownerOrganisationId', 'personId', 'dueDate'] as const;

/** What one kept change does to the board's projection: each record it touched as it is now, and its history. */
export function projectChange(change: AppliedChange): ProjectionChange {
  const origin = change.origin;
  const userId = origin.source === 'storage' ? null : (origin.user?.id ?? null);
  const records: ProjectedRecord[] = [];
  const removed: ProjectionChange['removed'][number][] = [];
  const transitions: ProjectionChange['transitions'][number][] = [];
  const runFieldsKept: string[] = [];
  for (const touched of change.records) {
    const { collection, id } = touched;
    if (!isProjectedCollection(collection)) continue;
    const before = touched.before && projectRead(collection, id, touched.before);
    const after = touched.after && projectRead(collection, id, touched.after);
    if (after && before && collection === 'actions') {
      if (RUN_FIELDS.every((field) => before.fields[field] === after.fields[field])) runFieldsKept.push(id);
    }
    if (after) records.push(after);
    else removed.push({ collection, id });
    transitions.push(...changeTransitions(before, after, change.at, userId));
  }
  return { whole: false, records, removed, transitions, runFieldsKept };
}

/**
 * Keeps every board's relational projection (and its history) with its document: each kept change's
 * projection is stored with its update, in one transaction. A board whose projection is not current
 * when it loads (never projected, projected by an older version, or rows the database once refused)
 * is projected whole from its document before anyone is served.
 */
export function projectionHook(state: ProjectionState, log: RoomLog): RoomHook {
  return {
    name: 'projection',
    describe(change) {
      try {
        return { projection: projectChange(change) };
      } catch (err) {
        // The update is stored all the same; the board is projected whole when it next loads.
        log.error({ err, boardId: change.boardId }, 'a change could not be projected');
        return { projection: { whole: false, records: [], removed: [], transitions: [], behind: true } };
      }
    },
    async loaded(board: LoadedBoard) {
      if (await state.isCurrent(board.boardId)) return null;
      return { projection: wholeProjection(board.doc) };
    },
  };
}
