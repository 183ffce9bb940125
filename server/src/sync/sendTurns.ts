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
let corked: Writable[] = [];

function uncorkAll(): void {
  const streams = corked;
  corked = [];
  for (const stream of streams) stream.uncork();
}

/** Holds what is written to `stream` until the end of this turn of the event loop. */
export function holdForThisTurn(stream: Writable): void {
  // Corked already means corked here: ws corks a socket only within one send, and uncorks it before returning.
  if (stream.writableCorked > 0 || stream.destroyed || !stream.writable) return;
  stream.cork();
  if (corked.push(stream) === 1) setImmediate(uncorkAll);
}
