import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

export interface LoadParameters {
  clients: number;
  boards: number;
  /** Updates per second, in total across all clients. */
  rate: number;
  /** Seconds of writes that are measured. */
  durationS: number;
  /** Seconds of writes before the measure phase, not counted in the latency figures. */
  warmupS: number;
  /** Most seconds to wait after the last write for every delivery to arrive. */
  drainTimeoutS: number;
  /** Clients connected at a time; each batch is synced before the next starts. */
  connectBatch: number;
}

export interface LoadResult {
  connect: { ms: number; batches: number };
  writes: { total: number; measured: number; achievedRatePerS: number; maxScheduleLagMs: number };
  /** Worst latency of writes sent in each second of the measure phase, to show when spikes happen. */
  maxLatencyBySecondMs: number[];
  latencyMs: {
    samples: number;
    p50: number;
    p90: number;
    p99: number;
    p999: number;
    max: number;
    mean: number;
  };
  deliveries: {
    /** Writes × (clients on the writer's board − 1), all phases. */
    expected: number;
    received: number;
    lost: number;
    measuredExpected: number;
    measuredReceived: number;
    /** Time from the last write until the last delivery arrived (or the drain timed out). */
    drainMs: number;
  };
  /** Clients whose map does not hold exactly the keys written to their board after the drain. */
  divergedClients: number;
  /** A fresh client per board after the drain: keys it did not get from the server. */
  freshClientMissingKeys: number;
  /** Status changes to `disconnected` after the connect phase (each is followed by a reconnect). */
  disconnects: number;
  bench: {
    cpuPercentOfOneCore: number;
    rssPeakMB: number;
    eventLoopDelayP99Ms: number;
    eventLoopDelayMaxMs: number;
  };
  /** Measured over the measure phase by the caller, via these hooks. */
  keysPerBoard: number[];
}

/** Where the clients connect, and the session cookie they send with the handshake (Huddle only). */
export interface Endpoint {
  wsUrl: string;
  cookie: string | null;
}

export interface LoadHooks {
  /** Called as the measure phase starts and ends (for the server's CPU meter). */
  onMeasureStart(): void;
  onMeasureEnd(): void;
  log(message: string): void;
}

interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  map: Y.Map<number>;
  board: number;
}

const MAP_NAME = 'bench';
/** The event-loop delay histogram records whole timer intervals; this is subtracted from it. */
const EVENT_LOOP_RESOLUTION_MS = 5;

/** A WebSocket that sends the session cookie with its handshake, as a signed-in browser does. */
function webSocketWithCookie(cookie: string | null): typeof globalThis.WebSocket {
  if (cookie === null) return WebSocket as unknown as typeof globalThis.WebSocket;
  const headers = { cookie };
  class WebSocketWithCookie extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  return WebSocketWithCookie as unknown as typeof globalThis.WebSocket;
}

/** An unmodified y-websocket client, as a browser would run it (no BroadcastChannel shortcut). */
export function connectClient(endpoint: Endpoint, room: string): { doc: Y.Doc; provider: WebsocketProvider } {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(endpoint.wsUrl, room, doc, {
    WebSocketPolyfill: webSocketWithCookie(endpoint.cookie),
    // Node has a global BroadcastChannel: without this, clients in this one process would sync
    // with each other directly and bypass the server.
    disableBc: true,
  });
  return { doc, provider };
}

/** Resolves once the provider has finished its first sync with the server; rejects after `timeoutMs`. */
export function whenSynced(provider: WebsocketProvider, timeoutMs: number): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      provider.off('sync', onSync);
      reject(new Error(`client did not sync within ${timeoutMs} ms`));
    }, timeoutMs);
    const onSync = (isSynced: boolean): void => {
      if (!isSynced) return;
      clearTimeout(timer);
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * Connects one fresh client per room and counts the keys it did not get (`keysPerBoard[i]` are
 * expected on room i). A room whose client cannot sync counts all its keys as missing.
 */
export async function missingKeys(
  endpoint: Endpoint,
  rooms: string[],
  keysPerBoard: number[],
  log: (message: string) => void,
): Promise<number> {
  const fresh = rooms.map((room) => connectClient(endpoint, room));
  try {
    const synced = await Promise.allSettled(fresh.map(({ provider }) => whenSynced(provider, 30_000)));
    let missing = 0;
    fresh.forEach(({ doc }, board) => {
      const expected = keysPerBoard[board] ?? 0;
      const outcome = synced[board]!;
      if (outcome.status === 'rejected')
        log(`  fresh client on ${rooms[board]} failed: ${String(outcome.reason)}`);
      const got = outcome.status === 'fulfilled' ? doc.getMap(MAP_NAME).size : 0;
      missing += Math.max(0, expected - got);
    });
    return missing;
  } finally {
    for (const { doc, provider } of fresh) {
      provider.destroy();
      doc.destroy();
    }
  }
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/**
 * Connects `clients` y-websocket clients to `endpoint` (client i on room `rooms[i % rooms.length]`),
 * writes at `rate` updates/s in total through a warm-up and a measure phase, waits for the
 * deliveries to drain, and checks every client and a fresh client per board hold every key.
 */
export async function runLoad(
  endpoint: Endpoint,
  rooms: string[],
  params: LoadParameters,
  hooks: LoadHooks,
): Promise<LoadResult> {
  const { clients: clientCount, rate } = params;
  const boardSize = new Int32Array(rooms.length);
  for (let i = 0; i < clientCount; i++) boardSize[i % rooms.length]!++;
  const keysPerBoard = new Array<number>(rooms.length).fill(0);
  const clients: Client[] = [];

  // Latency samples for writes sent in the measure phase, preallocated with headroom.
  const maxBoardSize = Math.max(...boardSize);
  const capacity = Math.ceil(rate * (params.durationS + 1) * Math.max(1, maxBoardSize - 1) * 1.2) + 1024;
  const latencies = new Float64Array(capacity);
  let latencyCount = 0;
  const maxBySecond = new Float64Array(Math.ceil(params.durationS) + 1);
  let measureStart = Infinity;
  let measureEnd = Infinity;
  let received = 0;
  let measuredReceived = 0;
  let lastDelivery = 0;
  let disconnects = 0;
  let connected = false;

  // Connect in batches, each synced before the next starts.
  // Each y-websocket provider adds a process 'exit' listener in Node.
  process.setMaxListeners(Math.max(process.getMaxListeners(), clientCount + rooms.length * 2 + 20));
  const connectStart = performance.now();
  let batches = 0;
  for (let start = 0; start < clientCount; start += params.connectBatch) {
    const batch: Client[] = [];
    for (let i = start; i < Math.min(clientCount, start + params.connectBatch); i++) {
      const board = i % rooms.length;
      const { doc, provider } = connectClient(endpoint, rooms[board]!);
      const client: Client = { doc, provider, map: doc.getMap<number>(MAP_NAME), board };
      provider.on('status', ({ status }: { status: string }) => {
        if (connected && status === 'disconnected') disconnects++;
      });
      batch.push(client);
    }
    await Promise.all(batch.map((client) => whenSynced(client.provider, 30_000)));
    clients.push(...batch);
    batches++;
  }
  const connectMs = performance.now() - connectStart;
  connected = true;
  hooks.log(`  connected ${clientCount} clients in ${Math.round(connectMs)} ms (${batches} batches)`);

  // Remote clients record the latency of every key another client wrote.
  for (const client of clients) {
    const map = client.map;
    map.observe((event) => {
      if (event.transaction.local) return;
      const now = performance.now();
      for (const key of event.keysChanged) {
        const sent = map.get(key);
        received++;
        if (sent === undefined) continue;
        if (sent >= measureStart && sent < measureEnd) {
          measuredReceived++;
          const latency = now - sent;
          if (latencyCount < capacity) latencies[latencyCount++] = latency;
          const second = Math.floor((sent - measureStart) / 1000);
          if (latency > maxBySecond[second]!) maxBySecond[second] = latency;
        }
      }
      lastDelivery = now;
    });
  }

  const sequence = new Int32Array(clientCount);
  let writes = 0;
  let measuredWrites = 0;
  let expected = 0;
  let measuredExpected = 0;
  let nextClient = 0;
  let maxLag = 0;
  let lastWriteAt = 0;
  const writeStart = performance.now();
  const measureAt = writeStart + params.warmupS * 1000;
  const writeEnd = measureAt + params.durationS * 1000;
  const eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  let benchCpu: NodeJS.CpuUsage | null = null;
  let benchCpuPercent = NaN;

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      if (measureStart === Infinity && now >= measureAt) {
        measureStart = now;
        benchCpu = process.cpuUsage();
        eventLoop.enable();
        hooks.onMeasureStart();
      }
      if (now >= writeEnd) {
        measureEnd = now;
        hooks.onMeasureEnd();
        eventLoop.disable();
        const used = process.cpuUsage(benchCpu ?? undefined);
        benchCpuPercent = ((used.user + used.system) / 1000 / (now - measureStart)) * 100;
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(((now - writeStart) * rate) / 1000);
      if (due - writes > 1) maxLag = Math.max(maxLag, ((due - writes - 1) * 1000) / rate);
      while (writes < due) {
        const index = nextClient;
        nextClient = (nextClient + 1) % clientCount;
        const client = clients[index]!;
        const seq = sequence[index]!++;
        lastWriteAt = performance.now();
        client.map.set(`${index}:${seq}`, lastWriteAt);
        keysPerBoard[client.board]!++;
        const remotes = boardSize[client.board]! - 1;
        expected += remotes;
        if (measureStart !== Infinity) {
          measuredWrites++;
          measuredExpected += remotes;
        }
        writes++;
      }
    };
    const timer = setInterval(tick, 2);
  });
  const lastWrite = lastWriteAt;
  hooks.log(`  wrote ${writes} updates (${measuredWrites} measured); draining`);

  // Drain: wait until every expected delivery has arrived, or the timeout.
  const drainDeadline = lastWrite + params.drainTimeoutS * 1000;
  while (received < expected && performance.now() < drainDeadline) await delay(20);
  const drainMs = Math.max(0, (received >= expected ? lastDelivery : performance.now()) - lastWrite);
  // Destroying the providers below reports `disconnected`; only count drops before it.
  connected = false;

  // Convergence: every client holds exactly the keys written to its board.
  let divergedClients = 0;
  for (const client of clients) {
    if (client.map.size !== keysPerBoard[client.board]) divergedClients++;
  }

  // A fresh client per board gets every key from the server.
  const freshClientMissingKeys = await missingKeys(endpoint, rooms, keysPerBoard, hooks.log);

  for (const client of clients) {
    client.provider.destroy();
    client.doc.destroy();
  }

  const sorted = latencies.slice(0, latencyCount).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  const measuredSeconds = (measureEnd - measureStart) / 1000;

  return {
    connect: { ms: Math.round(connectMs), batches },
    writes: {
      total: writes,
      measured: measuredWrites,
      achievedRatePerS: round(measuredWrites / measuredSeconds, 1),
      maxScheduleLagMs: round(maxLag, 1),
    },
    maxLatencyBySecondMs: Array.from(maxBySecond, (value) => round(value, 1)),
    latencyMs: {
      samples: latencyCount,
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      p999: round(percentile(sorted, 99.9)),
      max: round(sorted.length > 0 ? sorted[sorted.length - 1]! : NaN),
      mean: round(sorted.length > 0 ? sum / sorted.length : NaN),
    },
    deliveries: {
      expected,
      received,
      lost: Math.max(0, expected - received),
      measuredExpected,
      measuredReceived,
      drainMs: Math.round(drainMs),
    },
    divergedClients,
    freshClientMissingKeys,
    disconnects,
    bench: {
      cpuPercentOfOneCore: round(benchCpuPercent, 1),
      rssPeakMB: round(process.resourceUsage().maxRSS / 1024, 1),
      eventLoopDelayP99Ms: round(Math.max(0, eventLoop.percentile(99) / 1e6 - EVENT_LOOP_RESOLUTION_MS)),
      eventLoopDelayMaxMs: round(Math.max(0, eventLoop.max / 1e6 - EVENT_LOOP_RESOLUTION_MS)),
    },
    keysPerBoard,
  };
}
