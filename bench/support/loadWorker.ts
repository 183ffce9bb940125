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

const send = (message: FromWorker): void => void process.send!(message);

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
    (result) => {
      send({ kind: 'done', result: { ...result, latencySamples: [...result.latencySamples] } });
      setTimeout(() => process.exit(0), 100);
    },
    (error: unknown) => {
      send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
      setTimeout(() => process.exit(1), 100);
    },
  );
});
