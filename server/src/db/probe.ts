import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type DatabaseState = 'ok' | 'unreachable';

export interface ProbeOptions {
  /** An answer is reused for this long: health checks cannot hammer the database. */
  cacheMs: number;
  /** No answer within this long counts as unreachable (the query itself may run on). */
  timeoutMs: number;
}

/**
 * Whether the database answers a trivial query, asked at most once per `cacheMs` and never twice
 * at once: while a query is still out (a database that stopped answering), callers share it.
 */
export class DatabaseProbe {
  #answer: { at: number; state: DatabaseState } | null = null;
  #query: Promise<DatabaseState> | null = null;
  #queryStartedAt = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: ProbeOptions = { cacheMs: 1_000, timeoutMs: 2_000 },
    private readonly now: () => number = Date.now,
  ) {}

  async state(): Promise<DatabaseState> {
    if (this.#answer && this.now() - this.#answer.at < this.options.cacheMs) return this.#answer.state;
    if (!this.#query) {
      this.#queryStartedAt = this.now();
      this.#query = sql`select 1`
        .execute(this.db)
        .then(
          (): DatabaseState => 'ok',
          (): DatabaseState => 'unreachable',
        )
        .finally(() => {
          this.#query = null;
        });
    }
    const waitMs = Math.max(0, this.options.timeoutMs - (this.now() - this.#queryStartedAt));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<DatabaseState>((resolve) => {
      timer = setTimeout(() => resolve('unreachable'), waitMs);
    });
    const state = await Promise.race([this.#query, late]);
    clearTimeout(timer);
    this.#answer = { at: this.now(), state };
    return state;
  }
}
