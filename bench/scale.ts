/**
 * Scale benchmark: how many clients one Huddle process holds with edit-to-remote p99 under 50 ms,
 * and two processes sharing boards over Redis against Hocuspocus (two processes with its Redis
 * extension), in the same run: each board's clients spread over both processes, then each board's
 * clients on one of them (as the balancer routes them). The load is a team watching a colleague
 * type: boards of --per-board clients, one writer on each (a person typing a note), --rate updates/s
 * in total; clients connect --batch at a time. Every step starts fresh servers (and, for Huddle, a fresh
 * database); the writes are validated BoardDocument writes in the signed-in member's name, as the
 * Actions view makes them. Prints a table and writes `bench/results/scale.json`.
 *
 *   DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379 npm run bench:scale
 *
 * Flags (or env): --steps (BENCH_STEPS, "1000,2000,3000,4000,5000": clients on one process, in
 * order; stops after the first step over the target), --per-board (BENCH_PER_BOARD, 10),
 * --rate (BENCH_RATE, 200), --duration (BENCH_DURATION, 15 s measured), --warmup (BENCH_WARMUP, 5),
 * --batch (BENCH_BATCH, 250), --target (BENCH_TARGET_P99, 50 ms), --cluster-clients
 * (BENCH_CLUSTER_CLIENTS, 2000: clients for the two-process comparison; 0 skips it),
 * --bench-processes (BENCH_PROCESSES, 2: the clients are spread over this many bench processes, each
 * with whole boards, so that one Node process's stalls with thousands of clients are not counted as
 * the server's), --out. Each server reports how long its event loop was held
 * (`support/serverEventLoop.mjs`), so that a tail can be told apart from the bench's own stalls.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) for the two-process part.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { SyncProtocol } from './support/clients.ts';
import type { LoadParameters, LoadResult } from './support/load.ts';
import { runSpreadLoad } from './support/spreadLoad.ts';
import { DEFAULT_FRAMES_PER_SECOND } from '../server/src/sync/frameAllowance.ts';
import { BENCH_MEMBERS } from './support/members.ts';
import { cpuSeconds, machineDescription, memory } from './support/proc.ts';
import {
  createBenchDatabase,
  createHuddleBoards,
  eventLoopCells,
  eventLoopHeld,
  EVENT_LOOP_SAMPLE_MS,
  LONG_HOLD_MS,
  repoRoot,
  signInMembers,
  spawnHocuspocus,
  spawnHuddle,
  type EventLoopHeld,
  type ServerProcess,
} from './support/servers.ts';
import { formatTable } from './support/table.ts';
import { numberFlag } from './support/flags.ts';

interface StepResult {
  server: string;
  processes: number;
  clients: number;
  boards: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  diverged: number;
  disconnects: number;
  connectMs: number;
  /** % of one core, all the server's processes together, over the measure phase. */
  serverCpu: number;
  /** Server CPU over the measure phase per update delivered to a client. */
  cpuMicrosecondsPerDelivery: number;
  serverRssMB: number;
  benchCpu: number;
  /**
   * How long the server's event loop was held over the measure phase: in the median half second (the
   * longest hold in each), and at the longest. A latency tail beyond it is the bench's or the machine's.
   */
  serverEventLoop: EventLoopHeld | null;
  /** The bench's own event loop (its clients share one Node process): p99 delay over the measure phase. */
  benchEventLoopP99: number;
  benchEventLoopMax: number;
  problems: string[];
  error?: string;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function options() {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string' },
      'per-board': { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      batch: { type: 'string' },
      target: { type: 'string' },
      'cluster-clients': { type: 'string' },
      'bench-processes': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const stepsRaw = values.steps ?? process.env.BENCH_STEPS ?? '1000,2000,3000,4000,5000';
  const steps = stepsRaw.split(',').map((s) => Number(s.trim()));
  if (steps.some((s) => !Number.isInteger(s) || s < 2))
    throw new Error(`--steps must be client counts, got "${stepsRaw}"`);
  return {
    steps,
    perBoard: Math.round(numberFlag(values['per-board'], 'BENCH_PER_BOARD', 10, 2)),
    rate: numberFlag(values.rate, 'BENCH_RATE', 200, 1),
    durationS: numberFlag(values.duration, 'BENCH_DURATION', 15, 1),
    warmupS: numberFlag(values.warmup, 'BENCH_WARMUP', 5, 0),
    batch: Math.round(numberFlag(values.batch, 'BENCH_BATCH', 250, 1)),
    targetP99: numberFlag(values.target, 'BENCH_TARGET_P99', 50, 1),
    clusterClients: Math.round(numberFlag(values['cluster-clients'], 'BENCH_CLUSTER_CLIENTS', 2000, 0)),
    benchProcesses: Math.round(numberFlag(values['bench-processes'], 'BENCH_PROCESSES', 2, 1)),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    out: path.resolve(values.out ?? process.env.BENCH_OUT ?? path.join(repoRoot, 'bench/results/scale.json')),
  };
}

type Options = ReturnType<typeof options>;

function loadParameters(opts: Options, clients: number): LoadParameters {
  return {
    clients,
    boards: Math.max(1, Math.floor(clients / opts.perBoard)),
    rate: opts.rate,
    durationS: opts.durationS,
    warmupS: opts.warmupS,
    drainTimeoutS: 20,
    connectBatch: opts.batch,
    writersPerBoard: 1,
  };
}

/**
 * Huddle's per-user and per-address connection limits and per-user frame allowance, raised for the
 * bench's five members on one address (each standing for a fifth of the clients).
 */
function connectionLimits(clients: number, boards: number): Record<string, string> {
  const perUser = Math.ceil(clients / BENCH_MEMBERS.length) + boards + 10;
  return {
    MAX_CONNECTIONS_PER_USER: String(perUser),
    MAX_CONNECTIONS_PER_ADDRESS: String(clients + boards + 100),
    SYNC_MAX_FRAMES_PER_SECOND: String(perUser * DEFAULT_FRAMES_PER_SECOND),
  };
}

/** How the clients are put on several processes (`LoadEndpoint.routing`). */
type Routing = 'spread' | 'board';

/** Runs the load against `servers` (the clients placed by `routing`) and measures them together. */
async function measure(
  label: string,
  servers: ServerProcess[],
  rooms: string[],
  params: LoadParameters,
  cookies: string[] | null,
  protocol: SyncProtocol,
  benchProcesses: number,
  routing: Routing,
): Promise<StepResult> {
  const urls = servers.map((s) => `ws://127.0.0.1:${s.port}/yjs`);
  let cpuStart = 0;
  let wallStart = 0;
  let measureFrom = 0;
  let measureTo = 0;
  let cpuPercent = NaN;
  const cpuNow = () => servers.reduce((sum, s) => sum + cpuSeconds(s.pid), 0);
  const base = {
    server: label,
    processes: servers.length,
    clients: params.clients,
    boards: params.boards,
  };
  let load: LoadResult;
  try {
    const endpoint = { wsUrl: urls[0]!, spread: urls, routing, cookies, protocol };
    load = await runSpreadLoad(
      endpoint,
      rooms,
      params,
      {
        onMeasureStart: () => {
          cpuStart = cpuNow();
          wallStart = performance.now();
          measureFrom = Date.now();
        },
        onMeasureEnd: () => {
          measureTo = Date.now();
          cpuPercent = ((cpuNow() - cpuStart) / ((performance.now() - wallStart) / 1000)) * 100;
        },
        log,
      },
      benchProcesses,
    );
  } catch (error) {
    return {
      ...base,
      p50: NaN,
      p99: NaN,
      max: NaN,
      lost: NaN,
      diverged: NaN,
      disconnects: NaN,
      connectMs: NaN,
      serverCpu: NaN,
      cpuMicrosecondsPerDelivery: NaN,
      serverRssMB: NaN,
      benchCpu: NaN,
      serverEventLoop: null,
      benchEventLoopP99: NaN,
      benchEventLoopMax: NaN,
      problems: servers.flatMap((s) => s.problems.slice(0, 3)),
      error: error instanceof Error ? error.message : String(error),
    };
  }
  const rss = servers.reduce((sum, s) => sum + memory(s.pid).peakRss, 0);
  // The last half second's sample is printed just after the phase ends.
  await new Promise((resolve) => setTimeout(resolve, EVENT_LOOP_SAMPLE_MS + 100));
  const serverLoop = eventLoopHeld(servers, measureFrom, measureTo + EVENT_LOOP_SAMPLE_MS);
  return {
    ...base,
    p50: load.latencyMs.p50,
    p99: load.latencyMs.p99,
    max: load.latencyMs.max,
    lost: load.deliveries.lost + load.freshClientMissingWrites,
    diverged: load.divergedClients,
    disconnects: load.disconnects,
    connectMs: load.connect.ms,
    serverCpu: Number(cpuPercent.toFixed(1)),
    cpuMicrosecondsPerDelivery: Number(
      (((cpuPercent / 100) * params.durationS * 1e6) / Math.max(1, load.deliveries.measuredReceived)).toFixed(
        1,
      ),
    ),
    serverRssMB: Number((rss / 1024 / 1024).toFixed(1)),
    benchCpu: load.bench.cpuPercentOfOneCore,
    serverEventLoop: serverLoop,
    benchEventLoopP99: load.bench.eventLoopDelayP99Ms,
    benchEventLoopMax: load.bench.eventLoopDelayMaxMs,
    problems: servers.flatMap((s) => s.problems.slice(0, 3)),
  };
}

/** Labels a several-process run with how its clients were placed. */
function clusterLabel(server: string, processes: number, routing: Routing): string {
  if (processes <= 1) return server;
  return `${server} × ${processes} (Redis${routing === 'board' ? ', a board on one' : ''})`;
}

/** `processes` Huddle processes on one fresh database (and, with several, one Redis). */
async function benchHuddle(
  opts: Options,
  clients: number,
  processes: number,
  routing: Routing = 'spread',
): Promise<StepResult> {
  const params = loadParameters(opts, clients);
  const db = await createBenchDatabase();
  const env = {
    ...connectionLimits(clients, params.boards),
    ...(processes > 1 ? { REDIS_URL: opts.redisUrl, REDIS_PREFIX: `huddle-bench-${randomUUID()}` } : {}),
  };
  const label = clusterLabel('Huddle', processes, routing);
  log(`${label}: ${clients} clients on ${params.boards} boards (${db.description})`);
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < processes; i++)
      servers.push(await spawnHuddle(db, env, repoRoot, { watchEventLoop: true }));
    const { rooms } = await createHuddleBoards(servers[0]!.port, params.boards);
    const cookies = await signInMembers(servers[0]!.port);
    return await measure(label, servers, rooms, params, cookies, 'y-websocket', opts.benchProcesses, routing);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await db.drop();
  }
}

async function benchHocuspocus(
  opts: Options,
  clients: number,
  processes: number,
  routing: Routing = 'spread',
): Promise<StepResult> {
  const params = loadParameters(opts, clients);
  const label = clusterLabel('Hocuspocus', processes, routing);
  log(`${label}: ${clients} clients on ${params.boards} boards`);
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < processes; i++)
      servers.push(
        await spawnHocuspocus(processes > 1 ? opts.redisUrl : undefined, { watchEventLoop: true }),
      );
    const rooms = Array.from({ length: params.boards }, (_, i) => `bench-board-${randomUUID()}-${i + 1}`);
    return await measure(label, servers, rooms, params, null, 'hocuspocus', opts.benchProcesses, routing);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function table(results: StepResult[]): string {
  const header = [
    'server',
    'clients',
    'boards',
    'p50 ms',
    'p99 ms',
    'max ms',
    'lost',
    'diverged',
    'drops',
    'server CPU %',
    'CPU µs/delivery',
    'server RSS MB',
    'server loop held ms',
    `held ≥ ${LONG_HOLD_MS} ms: n, CPU ms`,
    'bench CPU %',
    'bench loop p99 ms',
    'bench loop max ms',
  ];
  const rows = results.map((r) => [
    r.server,
    String(r.clients),
    String(r.boards),
    String(r.p50),
    r.error ? `failed: ${r.error.slice(0, 60)}` : String(r.p99),
    String(r.max),
    String(r.lost),
    String(r.diverged),
    String(r.disconnects),
    String(r.serverCpu),
    String(r.cpuMicrosecondsPerDelivery),
    String(r.serverRssMB),
    ...eventLoopCells(r.serverEventLoop),
    String(r.benchCpu),
    String(r.benchEventLoopP99),
    String(r.benchEventLoopMax),
  ]);
  return formatTable(header, rows);
}

async function main(): Promise<number> {
  const opts = options();
  const started = new Date();
  const results: StepResult[] = [];
  log(
    `scale bench: steps ${opts.steps.join(', ')} clients, ${opts.perBoard} a board, one writer a board, ` +
      `${opts.rate} updates/s, ${opts.warmupS} s warm-up + ${opts.durationS} s measured; target p99 < ${opts.targetP99} ms`,
  );
  // One process: the steps, until one misses the target.
  let held = 0;
  for (const clients of opts.steps) {
    const result = await benchHuddle(opts, clients, 1);
    results.push(result);
    process.stdout.write(`${table([result])}\n`);
    if (result.error || !(result.p99 < opts.targetP99) || result.lost > 0) break;
    held = clients;
  }
  // Two processes against Hocuspocus with its Redis extension: each board's clients spread over
  // both, then each board's clients on one process (as the balancer routes them).
  const cluster: StepResult[] = [];
  if (opts.clusterClients > 0) {
    for (const run of [
      () => benchHuddle(opts, opts.clusterClients, 2, 'spread'),
      () => benchHocuspocus(opts, opts.clusterClients, 2, 'spread'),
      () => benchHuddle(opts, opts.clusterClients, 2, 'board'),
      () => benchHocuspocus(opts, opts.clusterClients, 2, 'board'),
    ]) {
      const result = await run();
      cluster.push(result);
      process.stdout.write(`${table([result])}\n`);
    }
  }
  process.stdout.write(`\none process\n${table(results)}\n`);
  process.stdout.write(
    `most clients one Huddle process held with p99 < ${opts.targetP99} ms: ${held || 'none of the steps'}\n`,
  );
  if (cluster.length > 0) process.stdout.write(`\ntwo processes on Redis\n${table(cluster)}\n`);

  const report = {
    benchmark: 'scale',
    startedAt: started.toISOString(),
    durationS: Number(((Date.now() - started.getTime()) / 1000).toFixed(1)),
    parameters: { ...opts, redisUrl: undefined },
    machine: machineDescription(),
    notes:
      'Clients, the bench, the servers, Postgres and Redis share the machine. One writer per board renames its ' +
      'own action at the board rate; latency is write to observe on every other client of the board. Two-process ' +
      "runs first put a board's clients on the two processes in turn, so every board has clients on both and " +
      "every change crosses Redis; then each board's clients on one process (boards in turn), as the balancer " +
      'routes them ("a board on one"). ' +
      '"server loop held ms": how long the server\'s event loop was held (bench/support/serverEventLoop.mjs, in ' +
      'each server), in the median half second of the measure phase / at the longest; a latency tail beyond it ' +
      'is the bench\'s (its own loops: "bench loop") or the machine\'s. "held ≥ 40 ms": the half seconds with ' +
      "such a hold, and the main thread's CPU in them (median ms of 500), in brackets in every half second: a " +
      'long hold with no more CPU than usual is the thread waiting for a core, not work of its own.',
    mostClientsOneProcessHeld: held,
    oneProcess: results,
    twoProcesses: cluster,
  };
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), opts.out)}`);
  return [...results, ...cluster].some((r) => r.server.startsWith('Huddle') && r.lost > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
