import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { destroyConnection, isQueryTimeout, poolSettings } from './postgresPool.ts';
import type { StatementAnswer, StatementRequest, StatementWorkerData } from './statementThread.ts';

/*
 * The thread behind `StatementThread`: one Postgres connection, with the server's settings, that
 * runs the statements it is sent one after another and answers each with its outcome.
 */
const port = parentPort!;
const { databaseUrl, config } = workerData as StatementWorkerData;
const pool = new pg.Pool({ ...poolSettings(databaseUrl, config), max: 1 });
const warn = (message: string, error: unknown) =>
  port.postMessage({ warn: message, error: described(error) } satisfies StatementAnswer);
// A connection lost while idle or mid-statement must not end the thread (see `connect.ts`).
pool.on('connect', (client) => client.on('error', (err) => warn('a database connection was lost', err)));
pool.on('error', (err) => warn('an idle database connection was closed', err));

function described(error: unknown): { message: string; code?: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { message, code } : { message };
}

async function run({ id, text, values }: StatementRequest): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    port.postMessage({ id, error: described(error) } satisfies StatementAnswer);
    return;
  }
  let broken: Error | undefined;
  try {
    await client.query(text, values);
    port.postMessage({ id } satisfies StatementAnswer);
  } catch (error) {
    // Behind a database that stopped answering, the next statement would wait behind this one.
    if (isQueryTimeout(error)) {
      broken = error as Error;
      destroyConnection(client);
    }
    port.postMessage({ id, error: described(error) } satisfies StatementAnswer);
  } finally {
    client.release(broken);
  }
}

port.on('message', (request: StatementRequest | 'end') => {
  if (request === 'end') void pool.end().finally(() => port.close());
  else void run(request);
});
