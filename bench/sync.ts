/**
 * Sync benchmark: N unmodified y-websocket clients over M boards writing R updates/s in total,
 * against Huddle's server (persistence on) and against the reference `@y/websocket-server` (in
 * memory), with the same clients and the same load. Each client signs in as a member of the board's
 * team, owns one action on its board (added in the set-up, as that member) and renames it with every
 * write, as the Actions view does; the title carries the write's number and send time, so a remote
 * client can tell the latency. Reports edit-to-remote-client latency, lost updates and each server's
 * RSS, CPU and how long its event loop was held (`support/serverEventLoop.mjs`, loaded into each);
 * writes `bench/results/sync.json` (`sync-pglite.json` without DATABASE_URL). Exits 1
 * if Huddle lost updates.
 *
 *   npm run bench:sync -- --clients 100 --boards 10 --rate 200 --duration 20
 *
 * Flags (or env): --clients (BENCH_CLIENTS, 500), --boards (BENCH_BOARDS, 50), --rate (BENCH_RATE,
 * 500 updates/s in total), --duration (BENCH_DURATION, 30 s measured), --warmup (BENCH_WARMUP, 5 s),
 * --drain (BENCH_DRAIN, 20 s at most), --batch (BENCH_BATCH, 50 clients connected at a time),
 * --rounds (BENCH_ROUNDS, 3: the servers take turns going first; the summary gives medians),
 * --only huddle|reference (BENCH_ONLY), --huddle-root (BENCH_HUDDLE_ROOT; repeatable: the Huddle
 * checkouts whose servers are measured, this repo by default), --bench-processes (BENCH_PROCESSES, 2:
 * the clients are spread over this many bench processes, each with whole boards, as in
 * `bench:scale`: 500 clients in one Node process used 70% of a core, and its stalls counted as every
 * server's latency), --out (BENCH_OUT).
 * With DATABASE_URL set, Huddle uses a fresh database beside it; otherwise PGlite in a temp folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { missingWrites, type LoadEndpoint, type LoadParameters, type LoadResult } from './support/load.ts';
import { runSpreadLoad } from './support/spreadLoad.ts';
import type { SyncProtocol } from './support/clients.ts';
import { DEFAULT_FRAMES_PER_SECOND } from '../server/src/sync/frameAllowance.ts';
import { BENCH_MEMBERS } from './support/members.ts';
import { CpuMeter, MachineCpuMeter, machineDescription, memory } from './support/proc.ts';
import {
  createBenchDatabase,
  createHuddleBoards,
  eventLoopCells,
  eventLoopHeld,
  youngGcCell,
  EVENT_LOOP_SAMPLE_MS,
  huddleCheckouts,
  LONG_HOLD_MS,
  repoRoot,
  signInMembers,
  spawnHocuspocus,
  spawnHuddle,
  spawnReference,
  type EventLoopHeld,
  type HuddleCheckout,
  type ServerProcess,
} from './support/servers.ts';
import { formatTable } from './support/table.ts';
import { numberFlag } from './support/flags.ts';

type Server = 'huddle' | 'reference' | 'hocuspocus';
const SERVERS: readonly Server[] = ['huddle', 'reference', 'hocuspocus'];

/** One server the bench measures: a Huddle checkout, or the reference server. */
interface Target {
  server: Server;
  label: string;
  checkout: HuddleCheckout | null;
}

interface ServerFigures {
  rssPeakMB: number;
  rssEndMB: number;
  cpuPercentOfOneCore: number;
  /** Server CPU over the measure phase divided by the updates delivered to clients meanwhile. */
  cpuMicrosecondsPerDelivery: number;
  /** Whole machine over the measure phase, % of one core (up to cores × 100). */
  machineCpuPercentOfOneCore: number;
  /** Machine CPU not used by the server or the bench process: other work sharing the cores. */
  otherProcessesCpuPercentOfOneCore: number;
  loadAverage1mAtEnd: number;
  /** Lines the server logged at warn or above, or on stderr. */
  problemLines: number;
  problemSample: string[];
  /** How long its event loop was held over the measure phase (bench/support/serverEventLoop.mjs). */
  eventLoop: EventLoopHeld | null;
}

interface TargetResult {
  target: Server;
  /** "Huddle", "reference", or with several Huddle checkouts "Huddle <folder>@<commit>". */
  label: string;
  /** Huddle only: the checkout whose server ran. */
  checkout?: { root: string; commit: string | null; uncommittedChanges: boolean | null };
  database: string;
  load: Omit<LoadResult, 'lastWrites' | 'latencySamples'>;
  server: ServerFigures;
  /** Huddle only: after a SIGTERM and a restart on the same database, writes a fresh client missed. */
  persistence?: { exitCode: number | string | null; restartedMissingWrites: number };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The load, and how many bench processes carry it (`runSpreadLoad`). */
type SyncParameters = LoadParameters & { benchProcesses: number };

function parameters(): SyncParameters & { targets: Target[]; out: string; rounds: number } {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string' },
      boards: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      drain: { type: 'string' },
      batch: { type: 'string' },
      writers: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      rounds: { type: 'string' },
      'huddle-root': { type: 'string', multiple: true },
      'bench-processes': { type: 'string' },
    },
    strict: true,
  });
  const onlyRaw = values.only ?? process.env.BENCH_ONLY ?? '';
  const only = onlyRaw === '' ? [...SERVERS] : onlyRaw.split(',').map((name) => name.trim());
  for (const name of only)
    if (!SERVERS.includes(name as Server))
      throw new Error(`--only takes ${SERVERS.join(', ')} (comma-separated), got "${name}"`);
  const targets: Target[] = [
    ...(only.includes('huddle')
      ? huddleCheckouts(values['huddle-root']).map((checkout) => ({
          server: 'huddle' as const,
          label: checkout.label,
          checkout,
        }))
      : []),
    ...(only.includes('reference')
      ? [{ server: 'reference' as const, label: 'reference', checkout: null }]
      : []),
    ...(only.includes('hocuspocus')
      ? [{ server: 'hocuspocus' as const, label: 'Hocuspocus', checkout: null }]
      : []),
  ];
  const resultsFile = process.env.DATABASE_URL ? 'sync.json' : 'sync-pglite.json';
  const params = {
    clients: Math.round(numberFlag(values.clients, 'BENCH_CLIENTS', 500, 2)),
    boards: Math.round(numberFlag(values.boards, 'BENCH_BOARDS', 50, 1)),
    rate: numberFlag(values.rate, 'BENCH_RATE', 500, 1),
    durationS: numberFlag(values.duration, 'BENCH_DURATION', 30, 1),
    warmupS: numberFlag(values.warmup, 'BENCH_WARMUP', 5, 0),
    drainTimeoutS: numberFlag(values.drain, 'BENCH_DRAIN', 20, 1),
    connectBatch: Math.round(numberFlag(values.batch, 'BENCH_BATCH', 50, 1)),
    writersPerBoard: Math.round(numberFlag(values.writers, 'BENCH_WRITERS', 0, 0)),
    rounds: Math.round(numberFlag(values.rounds, 'BENCH_ROUNDS', 3, 1)),
    benchProcesses: Math.round(numberFlag(values['bench-processes'], 'BENCH_PROCESSES', 2, 1)),
    targets,
    out: path.resolve(
      values.out ?? process.env.BENCH_OUT ?? path.join(repoRoot, 'bench/results', resultsFile),
    ),
  };
  if (params.boards > params.clients) throw new Error('need at least as many clients as boards');
  return params;
}

const mb = (bytes: number): number => Number((bytes / 1024 / 1024).toFixed(1));

/** Runs the load against a started server and measures its process. */
async function measure(
  server: ServerProcess,
  rooms: string[],
  params: SyncParameters,
  cookies: string[] | null,
  protocol: SyncProtocol = 'y-websocket',
) {
  const cpu = new CpuMeter(server.pid);
  const machine = new MachineCpuMeter(os.cpus().length);
  let cpuPercent = NaN;
  let machinePercent = NaN;
  let measureFrom = 0;
  let measureTo = 0;
  const endpoint = { wsUrl: `ws://127.0.0.1:${server.port}/yjs`, cookies, protocol };
  const load = await runSpreadLoad(
    endpoint,
    rooms,
    params,
    {
      onMeasureStart: () => {
        cpu.start();
        machine.start();
        measureFrom = Date.now();
      },
      onMeasureEnd: () => {
        cpuPercent = cpu.stop();
        machinePercent = machine.stop();
        measureTo = Date.now();
      },
      log,
    },
    params.benchProcesses,
  );
  // Give the server a moment to see the clients go (and to note its event loop's last half second
  // of the measure phase), then read its memory.
  await new Promise((resolve) => setTimeout(resolve, EVENT_LOOP_SAMPLE_MS + 100));
  const mem = memory(server.pid);
  const figures: ServerFigures = {
    rssPeakMB: mb(mem.peakRss),
    rssEndMB: mb(mem.rss),
    cpuPercentOfOneCore: Number(cpuPercent.toFixed(1)),
    cpuMicrosecondsPerDelivery: Number(
      (((cpuPercent / 100) * params.durationS * 1e6) / Math.max(1, load.deliveries.measuredReceived)).toFixed(
        1,
      ),
    ),
    machineCpuPercentOfOneCore: Number(machinePercent.toFixed(1)),
    otherProcessesCpuPercentOfOneCore: Number(
      Math.max(0, machinePercent - cpuPercent - load.bench.cpuPercentOfOneCore).toFixed(1),
    ),
    loadAverage1mAtEnd: Number((os.loadavg()[0] ?? 0).toFixed(2)),
    problemLines: server.problems.length,
    problemSample: server.problems.slice(0, 5),
    eventLoop: eventLoopHeld([server], measureFrom, measureTo + EVENT_LOOP_SAMPLE_MS),
  };
  return { load, figures };
}

/**
 * The bench's clients sign in as the team's five editing members, so each member holds a fifth of
 * them (and the fresh clients besides), standing for that many people; the server's per-user
 * connection limit and frame allowance are raised to match, unless the environment sets them.
 * Servers without such limits ignore the settings.
 */
function connectionLimits(params: LoadParameters): Record<string, string> {
  const perUser = Math.ceil(params.clients / BENCH_MEMBERS.length) + params.boards + 10;
  const perAddress = params.clients + params.boards + 100;
  return {
    MAX_CONNECTIONS_PER_USER: process.env.MAX_CONNECTIONS_PER_USER ?? String(perUser),
    MAX_CONNECTIONS_PER_ADDRESS:
      process.env.MAX_CONNECTIONS_PER_ADDRESS ?? String(Math.max(1000, perAddress)),
    SYNC_MAX_FRAMES_PER_SECOND:
      process.env.SYNC_MAX_FRAMES_PER_SECOND ?? String(perUser * DEFAULT_FRAMES_PER_SECOND),
  };
}

async function benchHuddle(params: SyncParameters, target: Target): Promise<TargetResult> {
  const checkout = target.checkout!;
  const db = await createBenchDatabase();
  log(
    `${target.label} server (${db.description}${checkout.root === repoRoot ? '' : `, from ${checkout.root}`})`,
  );
  try {
    const env = connectionLimits(params);
    const server = await spawnHuddle(db, env, checkout.root, { watchEventLoop: true });
    let rooms: string[];
    let cookies: string[];
    let result: Awaited<ReturnType<typeof measure>>;
    let exitCode: number | string | null;
    try {
      ({ rooms } = await createHuddleBoards(server.port, params.boards));
      cookies = await signInMembers(server.port);
      result = await measure(server, rooms, params, cookies);
    } finally {
      exitCode = await server.stop();
    }
    log(`  stopped (exit ${String(exitCode)}); restarting on the same database to check persistence`);
    // Persistence: restart on the same database; a fresh client per board must get every write.
    const restarted = await spawnHuddle(db, env, checkout.root);
    let restartedMissingWrites: number;
    try {
      const endpoint: LoadEndpoint = { wsUrl: `ws://127.0.0.1:${restarted.port}/yjs`, cookies };
      restartedMissingWrites = await missingWrites(endpoint, rooms, result.load.lastWrites, log);
    } finally {
      await restarted.stop();
    }
    const { lastWrites: _writes, latencySamples: _samples, ...load } = result.load;
    return {
      target: 'huddle',
      label: target.label,
      checkout: {
        root: checkout.root,
        commit: checkout.commit,
        uncommittedChanges: checkout.uncommittedChanges,
      },
      database: db.kind,
      load,
      server: result.figures,
      persistence: { exitCode, restartedMissingWrites },
    };
  } finally {
    await db.drop();
  }
}

async function benchReference(params: SyncParameters): Promise<TargetResult> {
  log('reference @y/websocket-server (in memory)');
  const server = await spawnReference({ watchEventLoop: true });
  try {
    const rooms = Array.from({ length: params.boards }, (_, i) => `bench-board-${i + 1}`);
    const result = await measure(server, rooms, params, null);
    const { lastWrites: _writes, latencySamples: _samples, ...load } = result.load;
    return { target: 'reference', label: 'reference', database: 'memory', load, server: result.figures };
  } finally {
    await server.stop();
  }
}

async function benchHocuspocus(params: SyncParameters): Promise<TargetResult> {
  log('Hocuspocus @hocuspocus/server (in memory)');
  const server = await spawnHocuspocus(undefined, { watchEventLoop: true });
  try {
    const rooms = Array.from({ length: params.boards }, (_, i) => `bench-board-${i + 1}`);
    const result = await measure(server, rooms, params, null, 'hocuspocus');
    const { lastWrites: _writes, latencySamples: _samples, ...load } = result.load;
    return { target: 'hocuspocus', label: 'Hocuspocus', database: 'memory', load, server: result.figures };
  } finally {
    await server.stop();
  }
}

function table(results: TargetResult[]): string {
  const rows: [string, (r: TargetResult) => string | number][] = [
    ['database', (r) => r.database],
    ['connect time (ms)', (r) => r.load.connect.ms],
    ['set-up: a person and an action per client (ms)', (r) => r.load.setup.ms],
    ['updates written (measured)', (r) => `${r.load.writes.total} (${r.load.writes.measured})`],
    ['achieved rate (updates/s)', (r) => r.load.writes.achievedRatePerS],
    ['latency p50 (ms)', (r) => r.load.latencyMs.p50],
    ['latency p90 (ms)', (r) => r.load.latencyMs.p90],
    ['latency p99 (ms)', (r) => r.load.latencyMs.p99],
    ['latency p99.9 (ms)', (r) => r.load.latencyMs.p999],
    ['latency max (ms)', (r) => r.load.latencyMs.max],
    ['latency samples', (r) => r.load.latencyMs.samples],
    ['deliveries expected', (r) => r.load.deliveries.expected],
    ['updates lost', (r) => r.load.deliveries.lost],
    ['drain after last write (ms)', (r) => r.load.deliveries.drainMs],
    ['diverged clients', (r) => r.load.divergedClients],
    ['fresh client missing writes', (r) => r.load.freshClientMissingWrites],
    ['missing after restart', (r) => (r.persistence ? r.persistence.restartedMissingWrites : 'n/a')],
    ['disconnects', (r) => r.load.disconnects],
    ['changes the server refused', (r) => r.load.refusals.count],
    ['server RSS peak (MB)', (r) => r.server.rssPeakMB],
    ['server RSS end (MB)', (r) => r.server.rssEndMB],
    ['server CPU (% of 1 core)', (r) => r.server.cpuPercentOfOneCore],
    ['server CPU per delivered update (µs)', (r) => r.server.cpuMicrosecondsPerDelivery],
    [
      'server event loop held, median half second / longest (ms)',
      (r) => eventLoopCells(r.server.eventLoop)[0],
    ],
    [
      `half seconds it was held ≥ ${LONG_HOLD_MS} ms, main-thread CPU in them (usual), ms`,
      (r) => eventLoopCells(r.server.eventLoop)[1],
    ],
    [
      'young-generation collections: count, median / longest pause (ms), time paused',
      (r) => youngGcCell(r.server.eventLoop),
    ],
    [
      'server main thread waiting for a core (% of the time)',
      (r) => r.server.eventLoop?.waitingPercent ?? '-',
    ],
    ['server warn/error lines', (r) => r.server.problemLines],
    ['bench CPU (% of 1 core)', (r) => r.load.bench.cpuPercentOfOneCore],
    ['other processes CPU (% of 1 core)', (r) => r.server.otherProcessesCpuPercentOfOneCore],
    ['load average (1 min) at end', (r) => r.server.loadAverage1mAtEnd],
    ['bench event-loop delay p99 (ms)', (r) => r.load.bench.eventLoopDelayP99Ms],
    ['bench RSS peak (MB)', (r) => r.load.bench.rssPeakMB],
  ];
  const header = ['', ...results.map((r) => r.label)];
  const cells = rows.map(([label, get]) => [label, ...results.map((r) => String(get(r)))]);
  return formatTable(header, cells);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Number(((sorted[mid - 1]! + sorted[mid]!) / 2).toFixed(2));
};

/** One line per key figure: the median over rounds, with every round's value beside it. */
function summary(rounds: TargetResult[][], targets: string[]): string {
  const of = (label: string) => rounds.flatMap((r) => r.filter((x) => x.label === label));
  const rows: [string, (r: TargetResult) => number, 'median' | 'sum' | 'max'][] = [
    ['latency p50 (ms)', (r) => r.load.latencyMs.p50, 'median'],
    ['latency p99 (ms)', (r) => r.load.latencyMs.p99, 'median'],
    ['latency max (ms)', (r) => r.load.latencyMs.max, 'median'],
    [
      'updates lost or missing',
      (r) => r.load.deliveries.lost + r.load.divergedClients + r.load.freshClientMissingWrites,
      'sum',
    ],
    ['server RSS peak (MB)', (r) => r.server.rssPeakMB, 'max'],
    ['server RSS end (MB)', (r) => r.server.rssEndMB, 'median'],
    ['server CPU (% of 1 core)', (r) => r.server.cpuPercentOfOneCore, 'median'],
    ['server CPU per delivered update (µs)', (r) => r.server.cpuMicrosecondsPerDelivery, 'median'],
    ['other processes CPU (% of 1 core)', (r) => r.server.otherProcessesCpuPercentOfOneCore, 'max'],
    // What pauses the server's thread most often: the tail follows it (README, "Sync").
    ['young-generation pause (ms)', (r) => r.server.eventLoop?.youngGc.medianMs ?? Number.NaN, 'median'],
    [
      'time paused collecting it (%)',
      (r) => r.server.eventLoop?.youngGc.pausedPercent ?? Number.NaN,
      'median',
    ],
    // A delivery waits as long for a core the server's thread is not given as for the server's own work.
    ['main thread waiting for a core (%)', (r) => r.server.eventLoop?.waitingPercent ?? Number.NaN, 'median'],
  ];
  const header = ['', ...targets];
  const cells = rows.map(([label, get, how]) => [
    `${label}, ${how}`,
    ...targets.map((t) => {
      const values = of(t).map(get);
      const total =
        how === 'sum'
          ? values.reduce((a, b) => a + b, 0)
          : how === 'max'
            ? Math.max(...values)
            : median(values);
      return values.length > 1 ? `${total} (${values.join(' / ')})` : String(total);
    }),
  ]);
  return formatTable(header, cells);
}

async function main(): Promise<number> {
  const { targets, out, rounds: roundCount, ...params } = parameters();
  const started = new Date();
  log(
    `sync bench: ${params.clients} clients, ${params.boards} boards, ${params.rate} updates/s, ` +
      `${params.warmupS} s warm-up + ${params.durationS} s measured, ${roundCount} round(s); ` +
      targets.map((t) => t.label).join(', '),
  );
  const labels = targets.map((t) => t.label);
  const rounds: TargetResult[][] = [];
  for (let round = 1; round <= roundCount; round++) {
    // The servers take turns going first, so none always meets a warmer or busier machine.
    const shift = (round - 1) % targets.length;
    const order = [...targets.slice(shift), ...targets.slice(0, shift)];
    const results: TargetResult[] = [];
    for (const target of order) {
      log(`round ${round} of ${roundCount}`);
      results.push(
        target.server === 'huddle'
          ? await benchHuddle(params, target)
          : target.server === 'reference'
            ? await benchReference(params)
            : await benchHocuspocus(params),
      );
    }
    results.sort((a, b) => labels.indexOf(a.label) - labels.indexOf(b.label));
    rounds.push(results);
    process.stdout.write(`\nround ${round}\n${table(results)}\n`);
  }
  if (roundCount > 1)
    process.stdout.write(`\nsummary over ${roundCount} rounds\n${summary(rounds, labels)}\n`);
  process.stdout.write('\n');

  const report = {
    benchmark: 'sync',
    startedAt: started.toISOString(),
    durationS: Number(((Date.now() - started.getTime()) / 1000).toFixed(1)),
    parameters: { ...params, rounds: roundCount, servers: labels },
    machine: machineDescription(),
    notes:
      'Load: each client owns one action on its board and renames it with every write (a validated BoardDocument ' +
      'write as the signed-in member); the title carries the write number and send time. A remote client that sees ' +
      'write n of a client has also had its writes before n (they arrive in order), so merged updates lose nothing. ' +
      'Latency: time of write (performance.now in the bench process) to observe on each remote client on the same ' +
      'board, for writes sent during the measure phase. CPU: % of one core averaged over the measure phase. ' +
      'All clients, the bench and the server share the same machine (the clients spread over parameters.benchProcesses ' +
      "bench processes, each with whole boards; their CPU is summed, their event loops' worst given); " +
      '"other processes CPU" is what anything else ' +
      'on the machine used meanwhile (it skews latency when high). maxLatencyBySecondMs shows when spikes happened. ' +
      'Rounds alternate which server goes first; single-round tail latency varies a lot on a 2-core machine, so ' +
      'compare medians over rounds.',
    rounds,
  };
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), out)}`);

  const lost = rounds
    .flat()
    .filter((r) => r.target === 'huddle')
    .filter(
      (r) =>
        r.load.deliveries.lost > 0 ||
        r.load.divergedClients > 0 ||
        r.load.freshClientMissingWrites > 0 ||
        (r.persistence?.restartedMissingWrites ?? 0) > 0,
    );
  if (lost.length > 0) {
    log(`${[...new Set(lost.map((r) => r.label))].join(' and ')} lost updates`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(2);
  },
);
