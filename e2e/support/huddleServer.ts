import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../server/test/support/testDatabase.ts';
import type { BoardSummary } from '../../shared/api.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const STOP_TIMEOUT_MS = 10_000;

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
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CLIENT_DIR: path.join(repoRoot, 'dist/client'),
      DATABASE_URL: database.databaseUrl ?? '',
      ...(database.dataDir ? { DATA_DIR: database.dataDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        output.push(line);
        try {
          const entry = JSON.parse(line) as { port?: number; msg?: string };
          if (entry.port && entry.msg?.startsWith('Huddle is listening')) resolve(entry.port);
        } catch {
          // not a JSON log line
        }
      });
      void exited.then(() => reject(new Error(`the server exited before listening:\n${output.join('\n')}`)));
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;

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
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      await database.drop();
    },
  };
}
