import type { HealthResponse } from '#shared/api';
import type { BoardStorageState } from '#shared/events';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Logger } from '../log.ts';
import { DatabaseProbe } from '../db/probe.ts';
import type { StorageBacklog } from './postgresBoardStorage.ts';

export interface BacklogSource {
  backlog(): StorageBacklog;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * What `/healthz` answers: whether the database answers (probed at most once a second) and
 * whether board changes are being stored: storage is degraded once a change has waited longer than
 * `warnAfterMs`, or while the database refuses a board's changes.
 */
export class ServerHealth {
  readonly #probe: DatabaseProbe;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly storage: BacklogSource,
    private readonly warnAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#probe = new DatabaseProbe(database.db);
  }

  async check(accepting: boolean): Promise<HealthResponse> {
    const database = await this.#probe.state();
    const { pendingUpdates, oldestPendingAt, refusedBoards } = this.storage.backlog();
    const oldestPendingMs = oldestPendingAt === null ? 0 : Math.max(0, this.now() - oldestPendingAt);
    const late = oldestPendingMs > this.warnAfterMs;
    const reasons: string[] = [];
    if (!accepting) reasons.push('the server is shutting down');
    if (database === 'unreachable') reasons.push('the database cannot be reached');
    if (refusedBoards.length > 0)
      reasons.push(
        `the database refuses the changes of ${refusedBoards.length} board(s); they are kept on the server and tried again`,
      );
    if (late) reasons.push(`board changes have waited ${seconds(oldestPendingMs)} to be stored`);
    const body: HealthResponse = {
      ok: reasons.length === 0,
      db: this.database.kind,
      database,
      storage: late || refusedBoards.length > 0 ? 'degraded' : 'ok',
      pendingUpdates,
      oldestPendingMs,
      refusedBoards: refusedBoards.length,
    };
    if (reasons.length > 0) {
      const text = reasons.join('; ');
      body.reason = text.charAt(0).toUpperCase() + text.slice(1);
    }
    return body;
  }
}

/**
 * Tells each board's browsers when its changes have waited longer than `warnAfterMs` to be stored
 * (or the database refuses them), and when that clears. Checks the backlog a few times a second.
 */
export class BoardStorageNotices {
  #delayed = new Set<string>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly storage: BacklogSource,
    private readonly warnAfterMs: number,
    private readonly tell: (boardId: string, state: BoardStorageState) => void,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.#timer = setInterval(() => this.check(), Math.max(100, Math.min(1_000, warnAfterMs / 4)));
    this.#timer.unref();
  }

  /** What a browser opening the board is told. */
  stateOf(boardId: string): BoardStorageState {
    return this.#delayed.has(boardId) ? 'delayed' : 'stored';
  }

  check(): void {
    const { boards, refusedBoards } = this.storage.backlog();
    const now = this.now();
    const delayed = new Set(refusedBoards);
    for (const [boardId, since] of boards) if (now - since > this.warnAfterMs) delayed.add(boardId);
    const before = this.#delayed;
    this.#delayed = delayed;
    for (const boardId of delayed) if (!before.has(boardId)) this.#tell(boardId, 'delayed');
    for (const boardId of before) if (!delayed.has(boardId)) this.#tell(boardId, 'stored');
  }

  #tell(boardId: string, state: BoardStorageState): void {
    if (state === 'delayed')
      this.log.warn({ boardId }, 'a board’s changes are not stored yet; its browsers are told');
    else this.log.info({ boardId }, 'a board’s changes are stored again; its browsers are told');
    try {
      this.tell(boardId, state);
    } catch (err) {
      this.log.error({ err, boardId }, 'telling a board’s browsers about storage failed');
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
