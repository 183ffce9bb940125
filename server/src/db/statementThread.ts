import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';
import type { DatabaseConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { describeDatabaseError } from './errors.ts';

/** Runs one statement that returns nothing the caller reads. */
export interface StatementRunner {
  run(query: CompiledQuery): Promise<void>;
}

export interface StatementWorkerData {
  databaseUrl: string;
  config: DatabaseConfig;
}

export interface StatementRequest {
  id: number;
  text: string;
  values: unknown[];
}

export type StatementAnswer =
  | { id: number; error?: { message: string; code?: string } }
  | { warn: string; error: { message: string; code?: string } };

/** A statement's failure as the thread reported it: its message and its SQLSTATE or network code. */
export class StatementError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** node-postgres's way of sending a value that says how (`toPostgres`, as `JsonbParameter` does). */
function wireValue(value: unknown): unknown {
  const custom = value as { toPostgres?: () => unknown } | null;
  return typeof custom?.toPostgres === 'function' ? custom.toPostgres() : value;
}

/**
 * Statements run on a thread of their own, over a Postgres connection of its own: the group
 * commit's (`PostgresBoardStorage`). Sending a batch's statement and reading the answer took about a
 * tenth of the sync server's busy time on its event loop, with every delivery meanwhile waiting,
 * and node-postgres's buffers about half of what its young generation collected (README, "Sync").
 * Here the event loop only hands over the text and the values (copied, never moved: a `Buffer` may
 * share its memory with others) and is told the outcome. A failure comes back as a `StatementError`
 * with the database's code, which `isTransientDatabaseError` reads as it reads node-postgres's own.
 * A thread that stops (it never should) fails what it was running as a lost connection and is
 * started again for the next statement.
 */
export class StatementThread implements StatementRunner {
  #worker: Worker | null = null;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #nextId = 0;
  #closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly config: DatabaseConfig,
    private readonly log: Logger,
  ) {}

  run(query: CompiledQuery): Promise<void> {
    if (this.#closed)
      return Promise.reject(new StatementError('Connection terminated: the database is closed'));
    const worker = (this.#worker ??= this.#start());
    const id = ++this.#nextId;
    const request: StatementRequest = { id, text: query.sql, values: query.parameters.map(wireValue) };
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  /** Ends the thread's connection and the thread, once what it is running has been answered. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('end');
    await exited;
  }

  #start(): Worker {
    const source = import.meta.url.endsWith('.ts');
    const entry = new URL(source ? './statementWorker.ts' : './statementWorker.js', import.meta.url);
    const workerData: StatementWorkerData = { databaseUrl: this.databaseUrl, config: this.config };
    // From the sources (tests, `npm run dev`), the thread reads TypeScript through tsx as they do.
    const worker = source
      ? new Worker(
          `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(import.meta.url)}))`,
          { eval: true, workerData },
        )
      : new Worker(entry, { workerData });
    // Nothing keeps the process alive for it: the server closes it when it shuts down.
    worker.unref();
    worker.on('message', (answer: StatementAnswer) => {
      if ('warn' in answer) {
        this.log.warn(
          { reason: describeDatabaseError(new StatementError(answer.error.message, answer.error.code)) },
          answer.warn,
        );
        return;
      }
      const waiting = this.#waiting.get(answer.id);
      this.#waiting.delete(answer.id);
      if (!answer.error) waiting?.resolve();
      else waiting?.reject(new StatementError(answer.error.message, answer.error.code));
    });
    worker.on('error', (err) => this.log.error({ err }, 'the group commit’s database thread failed'));
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = null;
      for (const { reject } of this.#waiting.values())
        reject(new StatementError('Connection terminated: the database thread stopped'));
      this.#waiting.clear();
    });
    return worker;
  }
}
