import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { startServer, type HuddleServer } from '../../src/server.ts';
import { testConfig, type TestServerOptions } from './server.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

export type DatabaseKind = 'postgres' | 'pglite';

/** The databases a suite that must hold on both runs on: PGlite always, Postgres when DATABASE_URL is set. */
export const DATABASE_KINDS: DatabaseKind[] = process.env.DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];

/**
 * One Huddle server for a whole describe block (started before its first test, closed after its
 * last), on a fresh database of `kind`: for suites whose tests each make their own board and so do
 * not disturb one another. Returns a getter for the running server.
 */
export function useSharedServer(
  kind: DatabaseKind,
  options: Omit<TestServerOptions, 'db'> = {},
): () => HuddleServer {
  let db: TestDatabase | undefined;
  let server: HuddleServer | undefined;
  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    const config = testConfig({ ...options, db });
    server = await startServer(config, createLogger(config.logLevel));
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });
  return () => {
    if (!server) throw new Error('the shared server has not started: use it inside a test');
    return server;
  };
}
