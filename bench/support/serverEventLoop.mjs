// Loaded into a benched server with `--import` (`spawnHuddle` and `spawnHocuspocus` with
// `watchEventLoop`): every half second it prints the longest the server's event loop was held in it
// and the CPU its main thread used meanwhile, as a JSON line the bench reads (`ServerProcess.eventLoop`),
// so that a latency tail can be told apart from the bench's own stalls, and a loop held by the server's
// own work from one whose thread was not given a core (with how long, in all, it waited for one). It
// also lists the pauses of the young generation's collections in that half second (V8's scavenges,
// which stop the whole thread: in bench:sync the latency tail follows them). Nothing of the server is
// changed; the timer does not keep it running.
import { readFileSync } from 'node:fs';
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
/** Linux counts a thread's CPU in ticks of 10 ms (USER_HZ 100). */
const TICK_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();
const held = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);

/** The main thread's CPU so far (user and system), in ms; null where /proc cannot tell. */
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return null;
  }
}

/**
 * How long the main thread has waited for a core so far, runnable but not running (Linux's
 * schedstat run delay), in ms; null where /proc cannot tell. On a machine whose cores the clients,
 * the servers and Postgres share, a delivery waits for this as for the server's own work.
 */
function mainThreadWaitedMs() {
  try {
    const [, waitedNs] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return Number(waitedNs) / 1e6;
  } catch {
    return null;
  }
}

/** The young generation's collections since the last sample: each one's pause, in ms. */
let youngPauses = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
      youngPauses.push(Math.round(entry.duration * 100) / 100);
  }
}).observe({ entryTypes: ['gc'] });

let cpuBefore = mainThreadCpuMs();
let waitedBefore = mainThreadWaitedMs();
setInterval(() => {
  const cpu = mainThreadCpuMs();
  const waited = mainThreadWaitedMs();
  const line = {
    benchEventLoop: {
      at: Date.now(),
      maxMs: held(histogram.max),
      mainThreadCpuMs: cpu === null || cpuBefore === null ? null : cpu - cpuBefore,
      mainThreadWaitedMs:
        waited === null || waitedBefore === null ? null : Math.round((waited - waitedBefore) * 10) / 10,
      youngGcPausesMs: youngPauses,
    },
  };
  cpuBefore = cpu;
  waitedBefore = waited;
  youngPauses = [];
  histogram.reset();
  process.stdout.write(`${JSON.stringify(line)}\n`);
}, 500).unref(); // EVENT_LOOP_SAMPLE_MS in servers.ts
