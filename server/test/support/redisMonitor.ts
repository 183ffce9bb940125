import { connect } from 'node:net';
import { once } from 'node:events';

/** One command as Redis's MONITOR shows it: its name (lower case) and its arguments, still escaped. */
export interface MonitoredCommand {
  name: string;
  args: string[];
}

/** A quoted argument of a MONITOR line; Redis escapes quotes, backslashes and bytes outside ASCII. */
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/**
 * Every command Redis is sent from now on, read from a MONITOR connection of the test's own. It
 * speaks RESP itself rather than through a client library: ioredis's `monitor()` can take the lines
 * that follow MONITOR's OK in the same read for answers to commands it never sent, and fail.
 */
export async function watchRedisCommands(
  address: { host: string; port: number },
  onCommand: (command: MonitoredCommand) => void,
): Promise<{ close(): void }> {
  const socket = connect(address);
  await once(socket, 'connect');
  let pending = '';
  let started = false;
  const begun = new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (!started) {
          if (line !== '+OK') reject(new Error(`Redis refused MONITOR: ${line}`));
          started = true;
          resolve();
          continue;
        }
        const [name = '', ...args] = [...line.matchAll(QUOTED)].map((match) => match[1]!);
        onCommand({ name: name.toLowerCase(), args });
      }
    });
  });
  socket.write('MONITOR\r\n');
  await begun.catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
  return { close: () => socket.destroy() };
}
