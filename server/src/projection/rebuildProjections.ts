import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import type { StorageConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import { PostgresBoardStorage } from '../storage/postgresBoardStorage.ts';
import { projectDocument, replaceBoardProjection } from './boardProjection.ts';

/** Where a rebuild has got to, after each board. */
export interface RebuildProgress {
  done: number;
  total: number;
  board: { id: string; name: string };
  /** What the board's projection now holds, or why it could not be rebuilt (it is left as it was). */
  outcome: { ok: true; records: number; needingAttention: number } | { ok: false; error: string };
}

export interface RebuildResult {
  boards: number;
  records: number;
  /** Records that fail validation: projected, and needing attention. */
  needingAttention: number;
  /** Boards whose projection could not be rebuilt, and why. */
  failed: { id: string; name: string; error: string }[];
}

/**
 * Rebuilds every board's projection from its stored document, a board at a time (each in one
 * transaction, so a board is never half projected), and reports after each. A board that cannot be
 * rebuilt is reported and left as it was; the others carry on.
 */
export async function rebuildProjections(
  db: Kysely<Database>,
  storage: StorageConfig,
  log: Logger,
  onProgress: (progress: RebuildProgress) => void = () => {},
): Promise<RebuildResult> {
  const boards = await db
    .selectFrom('boards')
    .select(['id', 'name'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const reader = new PostgresBoardStorage(db, storage, log);
  const result: RebuildResult = { boards: boards.length, records: 0, needingAttention: 0, failed: [] };
  for (const [index, board] of boards.entries()) {
    const doc = new Y.Doc();
    let outcome: RebuildProgress['outcome'];
    try {
      const state = await reader.load(board.id);
      if (state) Y.applyUpdate(doc, state);
      const projected = projectDocument(board.id, doc);
      await replaceBoardProjection(db, board.id, projected);
      const needingAttention = projected.filter((record) => record.row.problems !== null).length;
      result.records += projected.length;
      result.needingAttention += needingAttention;
      outcome = { ok: true, records: projected.length, needingAttention };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error({ boardId: board.id, err: error }, 'a board’s projection could not be rebuilt');
      result.failed.push({ ...board, error: message });
      outcome = { ok: false, error: message };
    } finally {
      doc.destroy();
    }
    onProgress({ done: index + 1, total: boards.length, board, outcome });
  }
  return result;
}
