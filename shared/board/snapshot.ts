import type { RecordRead } from './record.ts';
import type { CollectionName } from './records.ts';

/**
 * A board's records as the server holds them, read and validated with the same validators as the
 * browser's (`GET /api/boards/:id/snapshot`). A browser shows it while the board's document itself
 * loads, which takes far longer to decode and read for a large board; nothing is changed from it.
 */
export type BoardSnapshot = Record<CollectionName, RecordRead<unknown>[]>;

/** The address of a board's snapshot. */
export const boardSnapshotPath = (boardId: string): string =>
  `/api/boards/${encodeURIComponent(boardId)}/snapshot`;
