// Loaded into a benched server with `--import` (`spawnHuddle` and `spawnHocuspocus` with
// `watchEventLoop`): every half second it prints the longest the server's event loop was held in it,
// as a JSON line the bench reads (`ServerProcess.eventLoop`), so that a latency tail can be told apart
// from the bench's own stalls. Nothing of the server is changed; the timer does not keep it running.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();
const held = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
setInterval(() => {
  const line = {
    benchEventLoop: { at: Date.now(), p99Ms: held(histogram.percentile(99)), maxMs: held(histogram.max) },
  };
  histogram.reset();
  process.stdout.write(`${JSON.stringify(line)}\n`);
}, 500).unref();
