import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  latencySummary,
  runLoad,
  type LoadEndpoint,
  type LoadHooks,
  type LoadParameters,
  type LoadResult,
} from './load.ts';
import type { FromWorker, ToWorker } from './loadWorker.ts';

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/**
 * Each bench process's young generation, per half (MB; V8's default is 16): with a thousand clients
 * and their documents, a process collected it about twice a second, pausing 15 to 40 ms each time
 * (`--trace-gc`), and every client it holds counted those pauses as the server's latency. At 64, the
 * longest hold of the bench processes' event loops was lower in each of four interleaved pairs of
 * runs (README, "Scale").
 */
const WORKER_SEMI_SPACE_MB = 64;

/**
 * `runLoad` over `processes` bench processes (`loadWorker.ts`), each with its own share of the boards
 * and their clients (thousands of clients in one Node process hold each other up, and their stalls
 * would count as the server's). They connect and set up on their own, start writing together, and
 * their results are put together: latencies across every process, counts summed, the worst event
 * loop. One process runs the load here, as `runLoad` does.
 */
export async function runSpreadLoad(
  endpoint: LoadEndpoint,
  rooms: string[],
  params: LoadParameters,
  hooks: LoadHooks,
  processes: number,
): Promise<LoadResult> {
  if (processes <= 1) return runLoad(endpoint, rooms, params, hooks);
  const count = Math.min(processes, rooms.length);
  const groups = Array.from({ length: count }, (_, g) =>
    rooms.slice(Math.floor((g * rooms.length) / count), Math.floor(((g + 1) * rooms.length) / count)),
  );
  const perBoard = params.clients / rooms.length;
  const workers: ChildProcess[] = [];
  let ready = 0;
  let measuring = 0;
  let measured = 0;
  let releaseAll: () => void = () => undefined;
  const allReady = new Promise<void>((resolve) => (releaseAll = resolve));
  try {
    const results = await Promise.all(
      groups.map(
        (group, g) =>
          new Promise<LoadResult>((resolve, reject) => {
            const worker = fork(path.join(import.meta.dirname, 'loadWorker.ts'), [], {
              execArgv: ['--import', 'tsx', `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`],
              stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
            });
            workers.push(worker);
            worker.on('message', (message: FromWorker) => {
              switch (message.kind) {
                case 'ready':
                  if (++ready === groups.length) releaseAll();
                  void allReady.then(() => worker.send({ kind: 'go' } satisfies ToWorker));
                  break;
                case 'measure-start':
                  if (measuring++ === 0) hooks.onMeasureStart();
                  break;
                case 'measure-end':
                  if (++measured === groups.length) hooks.onMeasureEnd();
                  break;
                case 'log':
                  hooks.log(`  [bench process ${g + 1}]${message.message}`);
                  break;
                case 'done':
                  resolve({
                    ...message.result,
                    latencySamples: Float64Array.from(message.result.latencySamples),
                  });
                  break;
                case 'failed':
                  reject(new Error(`bench process ${g + 1}: ${message.message}`));
              }
            });
            worker.once('exit', (code) => reject(new Error(`bench process ${g + 1} exited (${code})`)));
            worker.send({
              kind: 'load',
              endpoint,
              rooms: group,
              params: {
                ...params,
                clients: Math.round(group.length * perBoard),
                rate: (params.rate * group.length) / rooms.length,
              },
            } satisfies ToWorker);
          }),
      ),
    );
    return merge(results);
  } finally {
    for (const worker of workers) if (worker.exitCode === null) worker.kill();
  }
}

function merge(results: LoadResult[]): LoadResult {
  const samples = Float64Array.from(results.flatMap((r) => [...r.latencySamples])).sort();
  const total = (pick: (r: LoadResult) => number) => results.reduce((acc, r) => acc + pick(r), 0);
  const worst = (pick: (r: LoadResult) => number) => Math.max(...results.map(pick));
  const first = results[0]!;
  return {
    connect: { ms: worst((r) => r.connect.ms), batches: total((r) => r.connect.batches) },
    setup: { ms: worst((r) => r.setup.ms) },
    writes: {
      total: total((r) => r.writes.total),
      measured: total((r) => r.writes.measured),
      achievedRatePerS: round(
        total((r) => r.writes.achievedRatePerS),
        1,
      ),
      maxScheduleLagMs: worst((r) => r.writes.maxScheduleLagMs),
    },
    maxLatencyBySecondMs: first.maxLatencyBySecondMs.map((_, i) =>
      worst((r) => r.maxLatencyBySecondMs[i] ?? 0),
    ),
    latencyMs: latencySummary(samples),
    deliveries: {
      expected: total((r) => r.deliveries.expected),
      received: total((r) => r.deliveries.received),
      lost: total((r) => r.deliveries.lost),
      measuredExpected: total((r) => r.deliveries.measuredExpected),
      measuredReceived: total((r) => r.deliveries.measuredReceived),
      drainMs: worst((r) => r.deliveries.drainMs),
    },
    divergedClients: total((r) => r.divergedClients),
    latencySamples: samples,
    freshClientMissingWrites: total((r) => r.freshClientMissingWrites),
    disconnects: total((r) => r.disconnects),
    refusals: {
      count: total((r) => r.refusals.count),
      sample: results.flatMap((r) => r.refusals.sample).slice(0, 5),
    },
    bench: {
      cpuPercentOfOneCore: round(
        total((r) => r.bench.cpuPercentOfOneCore),
        1,
      ),
      rssPeakMB: round(
        total((r) => r.bench.rssPeakMB),
        1,
      ),
      eventLoopDelayP99Ms: worst((r) => r.bench.eventLoopDelayP99Ms),
      eventLoopDelayMaxMs: worst((r) => r.bench.eventLoopDelayMaxMs),
    },
    lastWrites: results.flatMap((r) => r.lastWrites),
  };
}
