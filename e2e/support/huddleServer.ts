import path from 'node:path';
import {
  launchServerProcess,
  repoRoot,
  type ServerProcess,
} from '../../server/test/support/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from '../../server/test/support/testDatabase.ts';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../server/src/db/connect.ts';
import type { Database } from '../../server/src/db/schema.ts';
import { createLogger } from '../../server/src/log.ts';
import type { BoardSummary } from '#shared/boards';
import type { CreateBoardRequest } from '#shared/boards';
import { DEMO_PASSWORD, FRAILTY_TEAM, demo } from './demoUsers.ts';

export { repoRoot };

/** What the browser tests ask of a running Huddle, wherever it runs. */
export interface HuddleSite {
  url: string;
  database: Pick<TestDatabase, 'kind'>;
  /** Signs in over REST and returns the `Cookie` header value of the new session. */
  signIn(email: string, password?: string): Promise<string>;
  /**
   * Creates a board over REST as the demo admin, owned by the frailty team unless `teamIds` says
   * otherwise, as an admin would from the admin pages.
   */
  createBoard(name: string, options?: Partial<Omit<CreateBoardRequest, 'name'>>): Promise<BoardSummary>;
  /** Calls the REST API as the demo admin (JSON body, same-site `Origin`), as the admin pages would. */
  asAdmin(method: string, path: string, body?: unknown): Promise<Response>;
}

/** A Huddle server process of the caller's own, on a database of its own. */
export interface HuddleServer extends HuddleSite {
  database: TestDatabase;
  /**
   * Stops the server, runs `work` on its database while nothing else has it open (to store what an
   * older server would have stored), and starts it again on the same database, at a new address.
   * Pages opened before must be opened again.
   */
  whileStopped(work: (database: TestDatabase) => Promise<void>): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL) and drops its database. */
  stop(): Promise<void>;
}

/** The REST calls the tests make on the Huddle at `url()` (which changes when a server restarts). */
export function huddleSite(url: () => string, database: Pick<TestDatabase, 'kind'>): HuddleSite {
  let adminCookie: { url: string; cookie: Promise<string> } | null = null;

  async function signIn(email: string, password = DEMO_PASSWORD): Promise<string> {
    const response = await fetch(`${url()}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: url() },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`signing in as ${email} answered ${response.status}`);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('huddle_session='));
    if (!cookie) throw new Error(`signing in as ${email} set no session cookie`);
    return cookie.split(';')[0]!;
  }

  async function asAdmin(method: string, path: string, body?: unknown): Promise<Response> {
    // A restarted server is at a new address, with a new session needed.
    if (adminCookie?.url !== url()) adminCookie = { url: url(), cookie: signIn(demo.asha.email) };
    return fetch(`${url()}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Origin: url(), Cookie: await adminCookie.cookie },
      body: body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(body),
    });
  }

  return {
    get url() {
      return url();
    },
    database,
    signIn,
    asAdmin,
    async createBoard(name, options = {}) {
      const request: CreateBoardRequest = { teamIds: [FRAILTY_TEAM.id], ...options, name };
      const response = await asAdmin('POST', '/api/boards', request);
      if (response.status !== 201) {
        throw new Error(`creating a board answered ${response.status}: ${await response.text()}`);
      }
      return (await response.json()) as BoardSummary;
    },
  };
}

/** Runs `work` on a stopped server's database (see `whileStopped`), opened as the server opens it. */
export async function onDatabase(
  database: TestDatabase,
  work: (db: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const handle = await openDatabase({
    databaseUrl: database.databaseUrl,
    dataDir: database.dataDir,
    log: createLogger('silent'),
  });
  try {
    await work(handle.db);
  } finally {
    await handle.close();
  }
}

export interface HuddleServerOptions {
  /** More settings for the server (`STORAGE_WARN_AFTER_MS`...). */
  env?: Record<string, string>;
  /** The address the server is given for its Postgres database (a proxy in front of it, say). */
  databaseUrl?: (url: string) => string;
}

/**
 * Runs the real server as its own process (as `npm start` would) on port 0 against a fresh test
 * database (Postgres when DATABASE_URL is set, PGlite otherwise), serving the built client, with the
 * demo Place seeded.
 */
export async function startHuddleServer(options: HuddleServerOptions = {}): Promise<HuddleServer> {
  const database = await createTestDatabase();
  const launch = () =>
    launchServerProcess({
      CLIENT_DIR: path.join(repoRoot, 'dist/client'),
      DATABASE_URL:
        database.databaseUrl && options.databaseUrl
          ? options.databaseUrl(database.databaseUrl)
          : database.databaseUrl,
      DATA_DIR: database.dataDir ?? undefined,
      SEED: 'true',
      ...options.env,
    });
  let server: ServerProcess;
  try {
    server = await launch();
  } catch (error) {
    await database.drop();
    throw error;
  }
  const site = huddleSite(() => server.url, database);
  return Object.assign(site, {
    database,
    async whileStopped(work: (database: TestDatabase) => Promise<void>) {
      await server.stop('SIGTERM');
      await work(database);
      server = await launch();
    },
    async stop() {
      await server.stop('SIGTERM');
      await database.drop();
    },
  });
}
