/**
 * One bench process of a load spread over several (`bench/scale.ts --bench-processes`): its own
 * clients, on its own boards, so that every latency it measures is between clients of one process
 * (their clocks agree). Started with an IPC channel; the parent sends the load, hears when every
 * client is set up, says when to start writing, and gets the result.
 */
import { runLoad, type LoadEndpoint, type LoadParameters, type LoadResult } from './load.ts';

/** From the parent. */
export type ToWorker =
  { kind: 'load'; endpoint: LoadEndpoint; rooms: string[]; params: LoadParameters } | { kind: 'go' };

/** To the parent. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'measure-start' }
  | { kind: 'measure-end' }
  | { kind: 'log'; message: string }
  | { kind: 'done'; result: Omit<LoadResult, 'latencySamples'> & { latencySamples: number[] } }
  | { kind: 'failed'; message: string };

/** Sends to the parent; `then` once the message has been handed to the channel. */
const send = (message: FromWorker, then?: () => void): void =>
  void process.send!(message, undefined, undefined, then);

let go: () => void = () => undefined;
const started = new Promise<void>((resolve) => (go = resolve));

process.on('message', (message: ToWorker) => {
  if (message.kind === 'go') {
    go();
    return;
  }
  runLoad(message.endpoint, message.rooms, message.params, {
    onMeasureStart: () => send({ kind: 'measure-start' }),
    onMeasureEnd: () => send({ kind: 'measure-end' }),
    log: (text) => send({ kind: 'log', message: text }),
    beforeWrites: async () => {
      send({ kind: 'ready' });
      await started;
    },
  }).then(
    // Exits once the result is on its way: tens of thousands of latencies take a while to hand over,
    // and a process that exits first leaves the parent with its exit and no result.
    (result) => {
      send({ kind: 'done', result: { ...result, latencySamples: [...result.latencySamples] } }, () =>
        process.exit(0),
      );
    },
    (error: unknown) => {
      send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }, () =>
        process.exit(1),
      );
    },
  );
});
