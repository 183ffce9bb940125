import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SESSION_COOKIE } from '../../server/src/auth/cookies.ts';
import { DEMO, DEMO_PASSWORD } from '../../server/test/support/auth.ts';
import { createTestDatabase } from '../../server/test/support/testDatabase.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Where the benchmarked Huddle server keeps its boards: a fresh Postgres database or PGlite folder. */
export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  /** The bench database's URL with no credentials, or the PGlite folder, for the report. */
  description: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * With `DATABASE_URL` set, creates `huddle_bench_<random>` beside it (dropped by `drop()`);
 * otherwise a fresh temporary folder for embedded PGlite.
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const db = await createTestDatabase({ prefix: 'huddle_bench' });
  if (db.kind === 'pglite') {
    return {
      kind: db.kind,
      description: `PGlite in ${db.dataDir}`,
      env: { DATA_DIR: db.dataDir! },
      drop: db.drop,
    };
  }
  const url = new URL(db.databaseUrl!);
  return {
    kind: db.kind,
    description: `Postgres ${url.host}${url.pathname}`,
    env: { DATABASE_URL: db.databaseUrl! },
    drop: db.drop,
  };
}

export interface ServerProcess {
  name: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** The last lines the server wrote (stdout and stderr), for error reports. */
  output: string[];
  /** Lines at level warn or above (Huddle's JSON log) or on stderr. */
  problems: string[];
  /** Sends SIGTERM and resolves with the exit code (or signal); SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | string | null>;
}

/**
 * Spawns `node <args>` in the repo root and resolves once a JSON line on stdout carries a numeric
 * `port` and a `msg` that matches `listening`.
 */
async function spawnListening(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
  listening: (msg: string) => boolean,
): Promise<ServerProcess> {
  // For diagnosis: BENCH_SERVER_NODE_ARGS adds Node flags (say --trace-gc) to both servers, and
  // BENCH_SERVER_LOG_DIR keeps each server's whole output in <dir>/<name>.log.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logDir = process.env.BENCH_SERVER_LOG_DIR;
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    const log = createWriteStream(path.join(logDir, `${name.replace(/\W+/g, '-')}.log`), { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const output: string[] = [];
  const problems: string[] = [];
  const remember = (line: string): void => {
    output.push(line);
    if (output.length > 200) output.shift();
  };
  createInterface({ input: child.stderr! }).on('line', (line) => {
    remember(line);
    if (problems.length < 100) problems.push(line);
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      remember(line);
      try {
        const entry = JSON.parse(line) as { port?: unknown; msg?: unknown; level?: unknown };
        if (typeof entry.level === 'number' && entry.level >= 40 && problems.length < 100)
          problems.push(line);
        if (typeof entry.port === 'number' && typeof entry.msg === 'string' && listening(entry.msg)) {
          resolve(entry.port);
        }
      } catch {
        // not a JSON log line
      }
    });
    void exited.then((code) =>
      reject(new Error(`${name} exited (${String(code)}) before listening:\n${output.join('\n')}`)),
    );
  });
  const stop = async (timeoutMs = 20_000): Promise<number | string | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  return { name, port, pid: child.pid!, child, output, problems, stop };
}

/**
 * Huddle's server as `npm start` runs it, with its persistence in `db`; `extra` adds settings (say
 * `CLIENT_DIR`, the built client it serves).
 */
export function spawnHuddle(db: BenchDatabase, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    // info, so the "listening" line (with the port) is printed; nothing is logged per update.
    LOG_LEVEL: 'info',
    DATABASE_URL: undefined,
    DATA_DIR: undefined,
    ...extra,
    ...db.env,
  };
  return spawnListening(
    'Huddle server',
    ['--import', 'tsx', path.join(repoRoot, 'server/src/main.ts')],
    env,
    (msg) => msg.startsWith('Huddle is listening'),
  );
}

/** The reference `@y/websocket-server`, in memory (no persistence env vars). */
export function spawnReference(): Promise<ServerProcess> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['YPERSISTENCE', 'CALLBACK_URL', 'DATABASE_URL', 'DATA_DIR']) delete env[name];
  return spawnListening(
    'reference server',
    ['--import', 'tsx', path.join(repoRoot, 'bench/referenceServer.ts')],
    env,
    (msg) => msg === 'reference server listening',
  );
}

/** The demo team that owns the bench boards (the seed creates it); its members can edit them. */
const BENCH_TEAM_ID = 'riverside-frailty-team';

/** Signs in over REST as a demo user; returns the `Cookie` header value of the new session. */
export async function signIn(port: number, email: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!response.ok || !cookie) throw new Error(`signing in as ${email} answered ${response.status}`);
  return cookie.split(';')[0]!;
}

/**
 * Creates `count` boards owned by the demo frailty team through Huddle's REST API, signed in as the
 * demo admin. Returns their ids and the session cookie of a team member, who can edit them.
 */
export async function createHuddleBoards(
  port: number,
  count: number,
): Promise<{ rooms: string[]; cookie: string }> {
  const admin = await signIn(port, DEMO.admin);
  const rooms: string[] = [];
  for (let i = 1; i <= count; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: admin },
      body: JSON.stringify({ name: `Bench board ${i}`, pathwayTemplate: 'blank', teamIds: [BENCH_TEAM_ID] }),
    });
    if (!response.ok)
      throw new Error(`POST /api/boards answered ${response.status}: ${await response.text()}`);
    const board = (await response.json()) as { id: string };
    rooms.push(board.id);
  }
  return { rooms, cookie: await signIn(port, DEMO.member) };
}
