// `npm run start:cluster`: several Huddle server processes on one Postgres (DATABASE_URL) and one
// Redis (REDIS_URL), behind a small load balancer on PORT (3000) that sends every connection to a
// board to the same process. CLUSTER_PROCESSES says how many (2). A process that exits is started
// again after a second; its browsers reconnect, through the balancer, to the others meanwhile.
// For trying several processes on one computer; in production, run `npm start` several times
// behind the platform's load balancer (see README).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuild, root, serverEntry } from './ensureBuild.mjs';
import { SERVER_NODE_FLAGS } from './serverFlags.mjs';

function fail(message) {
  console.error(message);
  process.exit(1);
}

if (!process.env.DATABASE_URL)
  fail(
    'start:cluster needs DATABASE_URL: several processes share one Postgres (the embedded database belongs to one process).',
  );
if (!process.env.REDIS_URL)
  fail(
    'start:cluster needs REDIS_URL (say redis://127.0.0.1:6379): the processes share boards through Redis.',
  );
const count = Number(process.env.CLUSTER_PROCESSES ?? 2);
if (!Number.isInteger(count) || count < 1 || count > 32)
  fail('CLUSTER_PROCESSES must be a whole number from 1 to 32.');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

ensureBuild();
process.env.NODE_ENV ??= 'production';
const { startBalancer } = await import(
  pathToFileURL(path.join(root, 'dist/server/src/cluster/balancer.js')).href
);

let stopping = false;
const children = new Set();

/** Starts server process `n` on a free loopback port; resolves with its address once it listens. */
function startProcess(n) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, serverEntry], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        SEED: n === 1 ? (process.env.SEED ?? 'true') : 'false',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    let listening = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      process.stdout.write(`[${n}] ${line}\n`);
      try {
        const entry = JSON.parse(line);
        if (
          !listening &&
          typeof entry.port === 'number' &&
          String(entry.msg).startsWith('Huddle is listening')
        ) {
          listening = true;
          resolve(`http://127.0.0.1:${entry.port}`);
        }
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (!listening) reject(new Error(`server process ${n} exited (${signal ?? code}) before listening`));
      else if (!stopping) {
        console.error(`[${n}] exited (${signal ?? code}); starting it again in a second`);
        setTimeout(() => void restart(n), 1_000);
      }
    });
  });
}

const backends = [];
async function restart(n) {
  if (stopping) return;
  try {
    backends[n - 1] = await startProcess(n);
    balancer.setBackends(backends);
  } catch (error) {
    console.error(String(error));
    setTimeout(() => void restart(n), 1_000);
  }
}

// The first process seeds an empty database; the others start once it is listening.
backends.push(await startProcess(1));
backends.push(...(await Promise.all(Array.from({ length: count - 1 }, (_, i) => startProcess(i + 2)))));
const balancer = await startBalancer({ backends, routing: 'board', port, host });
process.stdout.write(
  `${JSON.stringify({
    msg: `Huddle cluster: ${count} processes behind http://${host === '0.0.0.0' ? 'localhost' : host}:${balancer.port}`,
    port: balancer.port,
    processes: backends,
  })}\n`,
);

const stop = async () => {
  if (stopping) return;
  stopping = true;
  await balancer.close();
  for (const child of children) child.kill('SIGTERM');
  await Promise.all([...children].map((child) => new Promise((resolve) => child.once('exit', resolve))));
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
