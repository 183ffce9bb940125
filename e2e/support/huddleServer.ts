import path from 'node:path';
import {
  launchServerProcess,
  repoRoot,
  type ServerProcess,
} from '../../server/test/support/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from '../../server/test/support/testDatabase.ts';
import type { BoardSummary } from '../../shared/api.ts';

export { repoRoot };

export interface HuddleServer {
  url: string;
  database: TestDatabase;
  /** Creates a board over REST, as another team member would. */
  createBoard(name: string): Promise<BoardSummary>;
  /** Stops the server (SIGTERM, then SIGKILL) and drops its database. */
  stop(): Promise<void>;
}

/**
 * Runs the real server as its own process (as `npm start` would) on port 0 against a fresh test
 * database (Postgres when DATABASE_URL is set, PGlite otherwise), serving the built client.
 */
export async function startHuddleServer(): Promise<HuddleServer> {
  const database = await createTestDatabase();
  let server: ServerProcess;
  try {
    server = await launchServerProcess({
      CLIENT_DIR: path.join(repoRoot, 'dist/client'),
      DATABASE_URL: database.databaseUrl,
      DATA_DIR: database.dataDir ?? undefined,
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const { url } = server;

  return {
    url,
    database,
    async createBoard(name) {
      const response = await fetch(`${url}/api/boards`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      if (response.status !== 201) throw new Error(`creating a board answered ${response.status}`);
      return (await response.json()) as BoardSummary;
    },
    async stop() {
      await server.stop('SIGTERM');
      await database.drop();
    },
  };
}
