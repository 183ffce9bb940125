import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { SESSION_COOKIE } from '../../server/src/auth/cookies.ts';
import { DEMO, DEMO_PASSWORD } from '../../server/test/support/auth.ts';
import { createTestDatabase } from '../../server/test/support/testDatabase.ts';
import { BENCH_MEMBERS, BENCH_TEAM_ID } from './members.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A checkout of Huddle whose server a bench runs: this repo, or another (say, before a change). */
export interface HuddleCheckout {
  root: string;
  /** How tables and logs name it: "Huddle", or with several, "Huddle <folder>@<commit>". */
  label: string;
  commit: string | null;
  uncommittedChanges: boolean | null;
}

function gitState(root: string): { commit: string | null; uncommittedChanges: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
    return { commit, uncommittedChanges: status.trim().length > 0 };
  } catch {
    return { commit: null, uncommittedChanges: null };
  }
}

/**
 * The checkouts named by `--huddle-root` (repeatable) or `BENCH_HUDDLE_ROOT` (several separated by
 * `path.delimiter`, ":"), this repo when neither is given. Each must hold `server/src/main.ts` and
 * its own `node_modules` (run `npm ci` there).
 */
export function huddleCheckouts(flags: string[] | undefined): HuddleCheckout[] {
  const fromEnv = (process.env.BENCH_HUDDLE_ROOT ?? '').split(path.delimiter).filter(Boolean);
  const roots = [
    ...new Set((flags?.length ? flags : fromEnv.length ? fromEnv : [repoRoot]).map((r) => path.resolve(r))),
  ];
  return roots.map((root) => {
    if (!existsSync(path.join(root, 'server/src/main.ts')))
      throw new Error(`--huddle-root ${root} is not a Huddle checkout: it has no server/src/main.ts`);
    if (!existsSync(path.join(root, 'node_modules/tsx')))
      throw new Error(`--huddle-root ${root} has no node_modules: run npm ci there first`);
    const git = gitState(root);
    const short = git.commit ? git.commit.slice(0, 7) + (git.uncommittedChanges ? '+' : '') : 'no git';
    const label =
      roots.length === 1 && root === repoRoot ? 'Huddle' : `Huddle ${path.basename(root)}@${short}`;
    return { root, label, ...git };
  });
}

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
  const db = await createTestDatabase({ prefix: 'huddle_bench', start: 'empty' });
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

export interface EventLoopSample {
  /** Date.now() at the end of the half second. */
  at: number;
  /** The longest the event loop was held in it. */
  maxMs: number;
  /** The CPU its main thread used in it (10 ms ticks); null where /proc cannot tell. */
  mainThreadCpuMs: number | null;
  /** The pause of each collection of the young generation in it (ms). */
  youngGcPausesMs: number[];
  /** How long its main thread waited for a core in it, runnable but not running; null where unknown. */
  mainThreadWaitedMs: number | null;
}

/** Node flags that load `serverEventLoop.mjs` into a server. */
const WATCH_EVENT_LOOP = [
  '--import',
  pathToFileURL(path.join(repoRoot, 'bench/support/serverEventLoop.mjs')).href,
];

/** A hold of the event loop this long counts as long (`eventLoopHeld`). */
export const LONG_HOLD_MS = 40;

export interface EventLoopHeld {
  /** The longest hold in the median half second (of every server's half seconds together). */
  medianMs: number;
  /** The longest hold of all. */
  maxMs: number;
  /** Half seconds with a hold of LONG_HOLD_MS or more. */
  longHolds: number;
  /**
   * The main thread's CPU in those half seconds and in every half second (medians, ms of 500): a long
   * hold with no more CPU than usual is a thread that was not given a core, not work of its own.
   */
  longHoldCpuMs: number | null;
  cpuMs: number | null;
  /**
   * The young generation's collections (scavenges, each stopping the server's thread): how many,
   * their median and longest pause (ms), and the share of the window they paused it (%).
   */
  youngGc: { count: number; medianMs: number | null; maxMs: number | null; pausedPercent: number };
  /**
   * The share of the window (%) the main thread waited for a core, runnable but not running (what
   * the clients, the other servers and Postgres took of the machine's cores meanwhile): a delivery
   * that arrives then waits as it would behind the server's own work. Null where Linux cannot tell.
   */
  waitingPercent: number | null;
}

const median = (values: number[]): number | null =>
  values.length === 0 ? null : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** How often `serverEventLoop.mjs` prints a sample (it must match the interval there). */
export const EVENT_LOOP_SAMPLE_MS = 500;

/**
 * The two table cells of `eventLoopHeld`: the median half second's hold / the longest; and the half
 * seconds held LONG_HOLD_MS or more, the main thread's CPU in them (in every half second).
 */
export function eventLoopCells(held: EventLoopHeld | null): [string, string] {
  if (!held) return ['-', '-'];
  return [
    `${held.medianMs} / ${held.maxMs}`,
    `${held.longHolds}, ${held.longHoldCpuMs ?? '-'} (${held.cpuMs ?? '-'})`,
  ];
}

/** The table cell of `EventLoopHeld.youngGc`: count, median / longest pause, share of the time paused. */
export function youngGcCell(held: EventLoopHeld | null): string {
  if (!held || held.youngGc.count === 0) return '-';
  const { count, medianMs, maxMs, pausedPercent } = held.youngGc;
  return `${count}, ${medianMs} / ${maxMs}, ${pausedPercent}%`;
}

/** The share of `samples`' half seconds their main threads waited for a core (%), where every one tells. */
function waitingPercent(samples: readonly EventLoopSample[]): number | null {
  let waited = 0;
  for (const { mainThreadWaitedMs } of samples) {
    if (mainThreadWaitedMs === null) return null;
    waited += mainThreadWaitedMs;
  }
  return Math.round((1000 * waited) / (samples.length * EVENT_LOOP_SAMPLE_MS)) / 10;
}

/** How long servers' event loops were held over a window (null when nothing was sampled in it). */
export function eventLoopHeld(
  servers: readonly ServerProcess[],
  from: number,
  to: number,
): EventLoopHeld | null {
  const samples = servers.flatMap((s) => s.eventLoop).filter((e) => e.at > from && e.at <= to);
  if (samples.length === 0) return null;
  const cpu = (list: EventLoopSample[]): number | null =>
    median(list.flatMap((e) => (e.mainThreadCpuMs === null ? [] : [e.mainThreadCpuMs])));
  const long = samples.filter((e) => e.maxMs >= LONG_HOLD_MS);
  const pauses = samples.flatMap((e) => e.youngGcPausesMs ?? []);
  const paused = pauses.reduce((sum, ms) => sum + ms, 0);
  return {
    medianMs: median(samples.map((e) => e.maxMs))!,
    maxMs: Math.max(...samples.map((e) => e.maxMs)),
    longHolds: long.length,
    longHoldCpuMs: cpu(long),
    cpuMs: cpu(samples),
    youngGc: {
      count: pauses.length,
      medianMs: median(pauses),
      maxMs: pauses.length > 0 ? Math.max(...pauses) : null,
      // Per server: the window's half seconds counted once for each server sampled in it.
      pausedPercent: Math.round((1000 * paused) / (samples.length * EVENT_LOOP_SAMPLE_MS)) / 10,
    },
    waitingPercent: waitingPercent(samples),
  };
}

export interface ServerProcess {
  name: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string | null>;
  /** The last lines the server wrote (stdout and stderr), for error reports. */
  output: string[];
  /** Lines at level warn or above (Huddle's JSON log) or on stderr. */
  problems: string[];
  /** With `watchEventLoop`: how long its event loop was held, each half second (`serverEventLoop.mjs`). */
  eventLoop: EventLoopSample[];
  /** Sends SIGTERM and resolves with the exit code (or signal); SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | string | null>;
}

/**
 * Spawns `node <args>` in `cwd` and resolves once a JSON line on stdout carries a numeric `port`
 * and a `msg` that matches `listening`.
 */
async function spawnListening(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
  listening: (msg: string) => boolean,
  cwd = repoRoot,
): Promise<ServerProcess> {
  // For diagnosis: BENCH_SERVER_NODE_ARGS adds Node flags (say --trace-gc) to both servers, and
  // BENCH_SERVER_LOG_DIR keeps each server's whole output in <dir>/<name>.log.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd,
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
  const eventLoop: EventLoopSample[] = [];
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
      try {
        const entry = JSON.parse(line) as {
          port?: unknown;
          msg?: unknown;
          level?: unknown;
          benchEventLoop?: EventLoopSample;
        };
        if (entry.benchEventLoop) {
          eventLoop.push(entry.benchEventLoop);
          return;
        }
        remember(line);
        if (typeof entry.level === 'number' && entry.level >= 40 && problems.length < 100)
          problems.push(line);
        if (typeof entry.port === 'number' && typeof entry.msg === 'string' && listening(entry.msg)) {
          resolve(entry.port);
        }
      } catch {
        remember(line); // not a JSON log line
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
  return { name, port, pid: child.pid!, child, exited, output, problems, eventLoop, stop };
}

/** The Node flags `npm start` gives the server in the checkout at `root` (none before they were kept). */
async function serverNodeFlags(root: string): Promise<string[]> {
  const file = path.join(root, 'scripts/serverFlags.mjs');
  if (!existsSync(file)) return [];
  const flags = ((await import(pathToFileURL(file).href)) as { SERVER_NODE_FLAGS: string[] })
    .SERVER_NODE_FLAGS;
  return [...flags];
}

/**
 * What Node runs for the server of the checkout in `root`: its build, as `npm start` runs it (made
 * first when it is missing or older than the sources, as `npm start` does), not the TypeScript through
 * tsx, whose transform adds work of its own (a `__name` call for each function it makes, 3% of the
 * server's busy time in bench:sync). A checkout from before `npm start` ran a build runs through tsx.
 */
async function serverEntry(root: string): Promise<string[]> {
  const script = path.join(root, 'scripts/ensureBuild.mjs');
  if (!existsSync(script)) return ['--import', 'tsx', path.join(root, 'server/src/main.ts')];
  const build = (await import(pathToFileURL(script).href)) as {
    ensureBuild(): void;
    serverEntry: string;
  };
  build.ensureBuild();
  return [build.serverEntry];
}

/**
 * Huddle's server as `npm start` runs it (its build and its Node flags), from the checkout in `root` (this
 * repo by default), with its persistence in `db`; `extra` adds settings (say `CLIENT_DIR`, the
 * built client it serves). Every other setting comes from the bench's own environment, so
 * `SYNC_...=... npm run bench:...` reaches the server.
 */
export async function spawnHuddle(
  db: BenchDatabase,
  extra: Record<string, string> = {},
  root = repoRoot,
  { watchEventLoop = false } = {},
): Promise<ServerProcess> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    // info, so the "listening" line (with the port) is printed; nothing is logged per update.
    LOG_LEVEL: 'info',
    // As `npm start` sets it.
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    DATABASE_URL: undefined,
    DATA_DIR: undefined,
    // One process on its own unless the caller says otherwise: a REDIS_URL in the bench's own
    // environment (for the two-process steps) would have every server publish to Redis.
    REDIS_URL: undefined,
    REDIS_PREFIX: undefined,
    ...extra,
    ...db.env,
  };
  return spawnListening(
    root === repoRoot ? 'Huddle server' : `Huddle server in ${root}`,
    [
      ...(await serverNodeFlags(root)),
      ...(watchEventLoop ? WATCH_EVENT_LOOP : []),
      ...(await serverEntry(root)),
    ],
    env,
    (msg) => msg.startsWith('Huddle is listening'),
    root,
  );
}

/** The reference `@y/websocket-server`, in memory (no persistence env vars). */
export function spawnReference({ watchEventLoop = false } = {}): Promise<ServerProcess> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['YPERSISTENCE', 'CALLBACK_URL', 'DATABASE_URL', 'DATA_DIR']) delete env[name];
  return spawnListening(
    'reference server',
    [
      ...(watchEventLoop ? WATCH_EVENT_LOOP : []),
      '--import',
      'tsx',
      path.join(repoRoot, 'bench/referenceServer.ts'),
    ],
    env,
    (msg) => msg === 'reference server listening',
  );
}

/** Hocuspocus (`@hocuspocus/server`), in memory; with `redisUrl`, fanning out over Redis. */
export function spawnHocuspocus(redisUrl?: string, { watchEventLoop = false } = {}): Promise<ServerProcess> {
  const env: Record<string, string | undefined> = { ...process.env, REDIS_URL: redisUrl };
  for (const name of ['DATABASE_URL', 'DATA_DIR']) delete env[name];
  return spawnListening(
    'Hocuspocus server',
    [
      ...(watchEventLoop ? WATCH_EVENT_LOOP : []),
      '--import',
      'tsx',
      path.join(repoRoot, 'bench/hocuspocusServer.ts'),
    ],
    env,
    (msg) => msg === 'hocuspocus listening',
  );
}

/** Signs in over REST as a demo user; returns the `Cookie` header value of the new session. */
export async function signIn(port: number, email: string): Promise<string> {
  const origin = `http://127.0.0.1:${port}`;
  const response = await fetch(`${origin}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin },
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
  const origin = `http://127.0.0.1:${port}`;
  const rooms: string[] = [];
  for (let i = 1; i <= count; i++) {
    const response = await fetch(`${origin}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: admin, Origin: origin },
      body: JSON.stringify({ name: `Bench board ${i}`, pathwayTemplate: 'blank', teamIds: [BENCH_TEAM_ID] }),
    });
    if (!response.ok)
      throw new Error(`POST /api/boards answered ${response.status}: ${await response.text()}`);
    const board = (await response.json()) as { id: string };
    rooms.push(board.id);
  }
  return { rooms, cookie: await signIn(port, DEMO.member) };
}

/** Signs in every bench member (`BENCH_MEMBERS`, in order); returns their session cookies. */
export async function signInMembers(port: number): Promise<string[]> {
  const cookies: string[] = [];
  for (const member of BENCH_MEMBERS) cookies.push(await signIn(port, member.email));
  return cookies;
}
