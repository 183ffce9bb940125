import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import { storedBoard } from '../storage/postgresBoardStorage.ts';
import { wholeProjection } from './boardProjection.ts';
import { ProjectionBatch } from './projectionBatch.ts';
import { PROJECTION_VERSION, writeProjections } from './projectionTables.ts';

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
 * Rebuilds every board's projection from its stored document, a board at a time, and reports after
 * each. Each board is read and written in one transaction that holds its row, so a server storing
 * the board's changes meanwhile waits for it and then adds them on top: a board is never half
 * projected, nor projected from a document older than its rows. A board that cannot be rebuilt is
 * reported and left as it was; the others carry on.
 */
export async function rebuildProjections(
  db: Kysely<Database>,
  log: Logger,
  onProgress: (progress: RebuildProgress) => void = () => {},
  {
    onlyBehind = false,
    stopped = () => false,
  }: {
    /** Only boards whose projection is not current (the server catching up as it starts). */
    onlyBehind?: boolean;
    /** Asked before each board: true stops the rebuild there (the server is stopping). */
    stopped?: () => boolean;
  } = {},
): Promise<RebuildResult> {
  let query = db
    .selectFrom('boards')
    .leftJoin('board_projections', 'board_projections.board_id', 'boards.id')
    .select(['boards.id', 'boards.name']);
  if (onlyBehind)
    query = query.where((eb) =>
      eb.or([
        eb('board_projections.version', 'is', null),
        eb('board_projections.version', '<>', PROJECTION_VERSION),
      ]),
    );
  const boards = await query.orderBy('boards.created_at').orderBy('boards.id').execute();
  const result: RebuildResult = { boards: boards.length, records: 0, needingAttention: 0, failed: [] };
  for (const [index, board] of boards.entries()) {
    if (stopped()) break;
    let outcome: RebuildProgress['outcome'];
    try {
      outcome = await db.transaction().execute(async (trx) => {
        // FOR UPDATE conflicts with the key share an insert into the board's log takes.
        await trx.selectFrom('boards').select('id').where('id', '=', board.id).forUpdate().execute();
        const doc = new Y.Doc();
        try {
          for (const part of (await storedBoard(trx, board.id)).parts) Y.applyUpdate(doc, part);
          const projection = wholeProjection(doc);
          const batch = new ProjectionBatch();
          batch.add(projection);
          await writeProjections(trx, new Map([[board.id, batch]]), new Date());
          const needingAttention = projection.records.filter((record) => record.problems !== null).length;
          return { ok: true as const, records: projection.records.length, needingAttention };
        } finally {
          doc.destroy();
        }
      });
      result.records += outcome.records;
      result.needingAttention += outcome.needingAttention;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error({ boardId: board.id, err: error }, 'a board’s projection could not be rebuilt');
      // eslint-disable-next-line no-restricted-syntax -- the command line's, once per board that fails
      result.failed.push({ ...board, error: message });
      outcome = { ok: false, error: message };
    }
    onProgress({ done: index + 1, total: boards.length, board, outcome });
  }
  return result;
}
