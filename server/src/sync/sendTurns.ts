import type { Writable } from 'node:stream';

/**
 * Writes what each socket is sent in one turn of the event loop together. Every write to a socket is
 * a system call of its own (on loopback, the receiving end's work too), and they are most of what a
 * sync server spends: when many messages arrive at once (every browser on a board renewing its
 * presence, a handover's first minutes), ten members each sent ten messages cost a hundred calls
 * where ten do, and everything behind them waits. A socket is corked at its first message in a turn
 * and uncorked, with all of them, once the turn's input has been handled (`setImmediate`); on a quiet
 * server that is within the same millisecond.
 */
const corked = new Set<Writable>();
let scheduled = false;

function uncorkAll(): void {
  scheduled = false;
  const streams = [...corked];
  corked.clear();
  for (const stream of streams) stream.uncork();
}

/** Holds what is written to `stream` until the end of this turn of the event loop. */
export function holdForThisTurn(stream: Writable): void {
  if (corked.has(stream) || stream.destroyed || !stream.writable) return;
  stream.cork();
  corked.add(stream);
  if (!scheduled) {
    scheduled = true;
    setImmediate(uncorkAll);
  }
}
