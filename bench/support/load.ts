import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { BoardDocument, Collection } from '#shared/board/boardDoc';
import { todayIsoDate } from '#shared/board/record';
import {
  connectBenchClient,
  waitUntil,
  watchRefusals,
  whenSynced,
  type BenchProvider,
  type SyncProtocol,
} from './clients.ts';
import { BENCH_MEMBERS, type BenchMember } from './members.ts';

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
  /**
   * The clients on each board that write (the first ones); 0 for all. One is a person typing a note
   * while the rest of the team watches.
   */
  writersPerBoard: number;
}

/**
 * What the server must hold afterwards: per board, the last write of each client's action (by the
 * client's place on the board). Write -1 is the action as created.
 */
export type LastWrites = number[][];

export interface LoadResult {
  connect: { ms: number; batches: number };
  /** Adding the board's person and each client's action, until every client has them. */
  setup: { ms: number };
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
  /** Clients that do not hold every other client's last write on their board after the drain. */
  divergedClients: number;
  /** Every measured latency, in order (for bench processes' results to be put together). */
  latencySamples: Float64Array;
  /** A fresh client per board after the drain: writes it did not get from the server. */
  freshClientMissingWrites: number;
  /** Status changes to `disconnected` after the connect phase (each is followed by a reconnect). */
  disconnects: number;
  /** Changes the server told a client it did not keep (every write is valid: none should be), and the first few reasons. */
  refusals: { count: number; sample: string[] };
  bench: {
    cpuPercentOfOneCore: number;
    rssPeakMB: number;
    eventLoopDelayP99Ms: number;
    eventLoopDelayMaxMs: number;
  };
  lastWrites: LastWrites;
}

/** Where the clients connect: a session cookie per bench member (`BENCH_MEMBERS`), or none (reference). */
export interface LoadEndpoint {
  wsUrl: string;
  cookies: readonly string[] | null;
  /** y-websocket unless said. */
  protocol?: SyncProtocol;
  /**
   * Several processes serving the same boards, `wsUrl` being the first. With `routing` 'spread' (the
   * default) a board's clients take them in turn, so every board has clients on each and every change
   * crosses Redis; with 'board', all of a board's clients go to one (boards in turn), as the balancer
   * routes them.
   */
  spread?: readonly string[];
  routing?: 'spread' | 'board';
}

export interface LoadHooks {
  /** Called as the measure phase starts and ends (for the server's CPU meter). */
  onMeasureStart(): void;
  onMeasureEnd(): void;
  log(message: string): void;
  /**
   * Every client is set up and watching; the writes start once this resolves (bench processes
   * sharing one load start together).
   */
  beforeWrites?(): Promise<void>;
}

/**
 * One bench client: a board member on one board, owning one action there whose title it changes
 * with every write. The title carries the write's number and the time it was sent.
 */
interface Client {
  doc: Y.Doc;
  provider: BenchProvider;
  board: BoardDocument;
  actions: Y.Map<Y.Map<unknown>>;
  boardIndex: number;
  /** Its place among the clients on its board. */
  slot: number;
  member: BenchMember;
  actionId: string;
  /** Per client on the same board (by slot): the latest write of theirs this client has seen. */
  seen: Int32Array;
}

/**
 * How often y-protocols' presence (Awareness) looks whether to renew itself, and how old it lets
 * it grow before it does: every 3 s, a presence 15 s old is said again (and each client passes on
 * every presence it hears, its own or not, as y-websocket's provider does).
 */
const PRESENCE_CHECK_MS = 3_000;
const PRESENCE_RENEWAL_MS = 15_000;
/** The steps in which the clients' presences are made across one check interval. */
const PRESENCE_STEPS = 30;

/**
 * A document and a presence for each of `count` clients, made as a team's browsers would have them:
 * each presence checks on its own 3 s beat and renews on its own 15 s one. Presences made together
 * in one loop (as connecting a batch of clients makes them) check at the same instant and renew at
 * the same check, a burst every few seconds that no team makes (its members opened the board at
 * different moments), which the clients then take turns to answer behind: a tail of the bench's
 * own. So the presences are made in steps across one check interval, and each is said once more at
 * its own moment within the first renewal period (spread evenly by the golden ratio); `stop` ends
 * those still to come. Each presence ends with its document (y-protocols ends it on `destroy`).
 */
async function presencesAtTheirOwnMoments(
  count: number,
): Promise<{ docs: Y.Doc[]; presences: Awareness[]; stop(): void }> {
  const docs: Y.Doc[] = [];
  const presences: Awareness[] = [];
  const timers: NodeJS.Timeout[] = [];
  for (let step = 0; step < PRESENCE_STEPS; step++) {
    const end = Math.round(((step + 1) * count) / PRESENCE_STEPS);
    while (docs.length < end) {
      const doc = new Y.Doc();
      const presence = new Awareness(doc);
      const at = ((docs.length * 0.618_033_988_75) % 1) * PRESENCE_RENEWAL_MS;
      timers.push(setTimeout(() => presence.setLocalState(presence.getLocalState()), at).unref());
      docs.push(doc);
      presences.push(presence);
    }
    await delay(PRESENCE_CHECK_MS / PRESENCE_STEPS);
  }
  return { docs, presences, stop: () => timers.forEach(clearTimeout) };
}

/** The person every bench action is for, one per board, added by the board's first client. */
const PERSON_ID = 'bench-person';
const actionId = (slot: number): string => `bench-action-${slot + 1}`;
const SETUP_TIMEOUT_MS = 60_000;
/** The event-loop delay histogram records whole timer intervals; this is subtracted from it. */
const EVENT_LOOP_RESOLUTION_MS = 5;

/** An action's title for write `seq` sent at `sentAt` (performance.now in this process). */
function titleOf(slot: number, seq: number, sentAt: number): string {
  return `Check in with the family, bench client ${slot + 1} [${seq}@${sentAt.toFixed(3)}]`;
}

const TITLE_STAMP = /\[(-?\d+)@(\d+(?:\.\d+)?)\]$/;

/** The write number and send time an action's title carries, or null. */
function stampOf(title: unknown): { seq: number; sentAt: number } | null {
  if (typeof title !== 'string') return null;
  const match = TITLE_STAMP.exec(title);
  return match ? { seq: Number(match[1]), sentAt: Number(match[2]) } : null;
}

/** The last write of the action at `slot` a document holds: -1 as created, -2 when absent. */
function lastWriteIn(actions: Y.Map<Y.Map<unknown>>, slot: number): number {
  const record = actions.get(actionId(slot));
  if (!(record instanceof Y.Map)) return -2;
  return stampOf(record.get('title'))?.seq ?? -2;
}

/** The member client `slot` on a board signs in as: every member in turn. */
const memberAt = (slot: number): number => slot % BENCH_MEMBERS.length;

/** The figures of latencies in order: how many, percentiles, the longest and the mean. */
export function latencySummary(sorted: Float64Array): LoadResult['latencyMs'] {
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    samples: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    p999: round(percentile(sorted, 99.9)),
    max: round(sorted.length > 0 ? sorted[sorted.length - 1]! : NaN),
    mean: round(sorted.length > 0 ? sum / sorted.length : NaN),
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * Connects one fresh client per room and counts the writes it did not get (`lastWrites[i]` are
 * expected on room i; an action that is missing altogether counts its creation as one more). A room
 * whose client cannot sync counts everything as missing.
 */
export async function missingWrites(
  endpoint: LoadEndpoint,
  rooms: string[],
  lastWrites: LastWrites,
  log: (message: string) => void,
): Promise<number> {
  const cookie = endpoint.cookies?.[0] ?? null;
  const fresh = rooms.map((room) =>
    connectBenchClient({ wsUrl: endpoint.wsUrl, cookie, protocol: endpoint.protocol }, room),
  );
  try {
    const synced = await Promise.allSettled(fresh.map(({ provider }) => whenSynced(provider, 30_000)));
    let missing = 0;
    fresh.forEach(({ doc }, board) => {
      const outcome = synced[board]!;
      if (outcome.status === 'rejected')
        log(`  fresh client on ${rooms[board]} failed: ${String(outcome.reason)}`);
      const actions = doc.getMap<Y.Map<unknown>>(Collection.actions);
      (lastWrites[board] ?? []).forEach((last, slot) => {
        const got = outcome.status === 'fulfilled' ? lastWriteIn(actions, slot) : -2;
        missing += Math.max(0, last - got);
      });
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
 * Sets up the board: its first client adds the person, then every client adds its own action for
 * that person (owned by itself, so it starts accepted), each once it sees what it builds on, as a
 * person at a screen would. Resolves once every client holds every action on its board.
 */
async function setUpBoards(clients: Client[], boardSize: Int32Array, log: (message: string) => void) {
  const today = new Date();
  const dueDate = todayIsoDate(new Date(today.getTime() + 14 * 86_400_000));
  for (const client of clients) {
    if (client.slot !== 0) continue;
    client.board.addPerson(
      { name: `Person on bench board ${client.boardIndex + 1}` },
      { by: client.member.actor, id: PERSON_ID },
    );
  }
  const people = clients.map((c) => c.doc.getMap(Collection.people));
  if (!(await waitUntil(() => people.every((p) => p.has(PERSON_ID)), SETUP_TIMEOUT_MS)))
    throw new Error(
      `${people.filter((p) => !p.has(PERSON_ID)).length} clients never saw their board's person: ` +
        'the server refused it or did not pass it on',
    );
  for (const client of clients) {
    client.board.addAction(
      {
        title: titleOf(client.slot, -1, 0),
        ownerId: client.member.id,
        ownerName: client.member.name,
        ownerOrganisationId: client.member.organisationId,
        dueDate,
        personId: PERSON_ID,
      },
      { by: client.member.actor, id: client.actionId },
    );
  }
  const complete = (c: Client): boolean => c.actions.size === boardSize[c.boardIndex];
  if (!(await waitUntil(() => clients.every(complete), SETUP_TIMEOUT_MS)))
    throw new Error(
      `${clients.filter((c) => !complete(c)).length} clients never saw every action on their board: ` +
        'the server refused some or did not pass them on',
    );
  log(`  set up ${boardSize.length} boards: a person each and an action per client`);
}

/**
 * Connects `clients` y-websocket clients to `endpoint` (client i on room `rooms[i % rooms.length]`,
 * signed in as the bench members in turn), sets up an action per client, then changes the
 * clients' action titles at `rate` writes/s in total through a warm-up and a measure phase, waits
 * for the deliveries to drain, and checks every client and a fresh client per board hold every
 * client's last write.
 */
export async function runLoad(
  endpoint: LoadEndpoint,
  rooms: string[],
  params: LoadParameters,
  hooks: LoadHooks,
): Promise<LoadResult> {
  const { clients: clientCount, rate } = params;
  const boardSize = new Int32Array(rooms.length);
  for (let i = 0; i < clientCount; i++) boardSize[i % rooms.length]!++;
  const clients: Client[] = [];
  const slotOf = new Map(Array.from({ length: Math.max(...boardSize) }, (_, slot) => [actionId(slot), slot]));

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
  const refusals = { count: 0, sample: [] as string[] };

  const made = await presencesAtTheirOwnMoments(clientCount);
  // Connect in batches, each synced before the next starts.
  // Each y-websocket provider adds a process 'exit' listener in Node.
  process.setMaxListeners(Math.max(process.getMaxListeners(), clientCount + rooms.length * 2 + 20));
  const connectStart = performance.now();
  let batches = 0;
  for (let start = 0; start < clientCount; start += params.connectBatch) {
    const batch: Client[] = [];
    for (let i = start; i < Math.min(clientCount, start + params.connectBatch); i++) {
      const boardIndex = i % rooms.length;
      const slot = Math.floor(i / rooms.length);
      const memberIndex = memberAt(slot);
      const cookie = endpoint.cookies?.[memberIndex] ?? null;
      const { doc, provider } = connectBenchClient(
        {
          wsUrl: endpoint.spread
            ? endpoint.spread[(endpoint.routing === 'board' ? boardIndex : slot) % endpoint.spread.length]!
            : endpoint.wsUrl,
          cookie,
          protocol: endpoint.protocol,
        },
        rooms[boardIndex]!,
        made.docs[i],
        made.presences[i],
      );
      const client: Client = {
        doc,
        provider,
        board: new BoardDocument(doc),
        actions: doc.getMap<Y.Map<unknown>>(Collection.actions),
        boardIndex,
        slot,
        member: BENCH_MEMBERS[memberIndex]!,
        actionId: actionId(slot),
        seen: new Int32Array(boardSize[boardIndex]!).fill(-1),
      };
      provider.on('status', ({ status }: { status: string }) => {
        if (connected && status === 'disconnected') disconnects++;
      });
      watchRefusals(provider, (refusal) => {
        refusals.count++;
        if (refusals.sample.length < 5) refusals.sample.push(refusal.message);
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

  const setupStart = performance.now();
  await setUpBoards(clients, boardSize, hooks.log);
  const setupMs = performance.now() - setupStart;

  // Remote clients record the latency of every title change another client made. A write seen
  // also delivers the writes before it (one client's updates arrive in order), so a server that
  // merges updates before passing them on loses nothing here.
  for (const client of clients) {
    client.actions.observeDeep((events, transaction) => {
      if (transaction.local) return;
      const now = performance.now();
      for (const event of events) {
        if (event.target === client.actions || !(event instanceof Y.YMapEvent)) continue;
        if (!event.keysChanged.has('title')) continue;
        const writer = slotOf.get(event.path[0] as string);
        const stamp = stampOf((event.target as Y.Map<unknown>).get('title'));
        if (writer === undefined || writer >= client.seen.length || stamp === null) continue;
        const before = client.seen[writer]!;
        if (stamp.seq <= before) continue;
        received += stamp.seq - before;
        client.seen[writer] = stamp.seq;
        const sent = stamp.sentAt;
        if (sent >= measureStart && sent < measureEnd) {
          measuredReceived++;
          const latency = now - sent;
          if (latencyCount < capacity) latencies[latencyCount++] = latency;
          const second = Math.floor((sent - measureStart) / 1000);
          if (latency > maxBySecond[second]!) maxBySecond[second] = latency;
        }
        lastDelivery = now;
      }
    });
  }

  const writers = clients.flatMap((client, index) =>
    params.writersPerBoard === 0 || client.slot < params.writersPerBoard ? [index] : [],
  );
  await hooks.beforeWrites?.();
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
        const index = writers[nextClient]!;
        nextClient = (nextClient + 1) % writers.length;
        const client = clients[index]!;
        const seq = sequence[index]!++;
        lastWriteAt = performance.now();
        // As the Actions view does when its owner renames the action: validated, then one transaction.
        client.board.updateAction(
          client.actionId,
          { title: titleOf(client.slot, seq, lastWriteAt) },
          { by: client.member.actor },
        );
        const remotes = boardSize[client.boardIndex]! - 1;
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

  // Convergence: every client holds every client's last write on its board.
  const lastWrites: LastWrites = rooms.map((_, board) =>
    Array.from({ length: boardSize[board]! }, (_, slot) => sequence[slot * rooms.length + board]! - 1),
  );
  let divergedClients = 0;
  for (const client of clients) {
    const last = lastWrites[client.boardIndex]!;
    if (last.some((seq, slot) => lastWriteIn(client.actions, slot) !== seq)) divergedClients++;
  }

  // A fresh client per board gets every client's last write from the server.
  const freshClientMissingWrites = await missingWrites(endpoint, rooms, lastWrites, hooks.log);

  made.stop();
  for (const client of clients) {
    client.provider.destroy();
    client.doc.destroy();
  }

  const sorted = latencies.slice(0, latencyCount).sort();
  const measuredSeconds = (measureEnd - measureStart) / 1000;

  return {
    connect: { ms: Math.round(connectMs), batches },
    setup: { ms: Math.round(setupMs) },
    writes: {
      total: writes,
      measured: measuredWrites,
      achievedRatePerS: round(measuredWrites / measuredSeconds, 1),
      maxScheduleLagMs: round(maxLag, 1),
    },
    maxLatencyBySecondMs: Array.from(maxBySecond, (value) => round(value, 1)),
    latencyMs: latencySummary(sorted),
    deliveries: {
      expected,
      received,
      lost: Math.max(0, expected - received),
      measuredExpected,
      measuredReceived,
      drainMs: Math.round(drainMs),
    },
    divergedClients,
    latencySamples: sorted,
    freshClientMissingWrites,
    disconnects,
    refusals,
    bench: {
      cpuPercentOfOneCore: round(benchCpuPercent, 1),
      rssPeakMB: round(process.resourceUsage().maxRSS / 1024, 1),
      eventLoopDelayP99Ms: round(Math.max(0, eventLoop.percentile(99) / 1e6 - EVENT_LOOP_RESOLUTION_MS)),
      eventLoopDelayMaxMs: round(Math.max(0, eventLoop.max / 1e6 - EVENT_LOOP_RESOLUTION_MS)),
    },
    lastWrites,
  };
}
