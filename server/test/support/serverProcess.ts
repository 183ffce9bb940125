import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { build } from 'esbuild';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** Where the run's server bundle is, once `prepareServerBundle` has made it. */
const SERVER_BUNDLE = 'HUDDLE_TEST_SERVER_BUNDLE';

/**
 * Once per run: `server/src/main.ts` bundled into one JavaScript file, as `npm start` runs compiled
 * JavaScript, so each server process a test starts loads in about two thirds of the time tsx takes
 * to compile the sources again. Packages stay outside the bundle, found in the repository's
 * node_modules (which is why the bundle is kept under it).
 */
export async function prepareServerBundle(): Promise<() => Promise<void>> {
  // Both test projects ask; the first one's bundle serves the run, and the first one removes it.
  if (process.env[SERVER_BUNDLE]) return async () => undefined;
  const cache = path.join(repoRoot, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'huddle-test-server-'));
  const outfile = path.join(dir, 'main.mjs');
  try {
    await build({
      entryPoints: [path.join(repoRoot, 'server/src/main.ts')],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'warning',
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  process.env[SERVER_BUNDLE] = outfile;
  return async () => {
    delete process.env[SERVER_BUNDLE];
    rmSync(dir, { recursive: true, force: true });
  };
}

export interface ServerProcess {
  port: number;
  url: string;
  /** The log line that said it is listening (its `msg`, `port`, `host`...). */
  listening: { msg: string; port: number; host?: string };
  /** Everything it has written so far: stdout line by line, stderr as it came. */
  output: readonly string[];
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Sends `signal` (SIGTERM by default), then SIGKILL if the process is still running after the timeout. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | NodeJS.Signals | null>;
}

/**
 * Runs `server/src/main.ts` as its own process, as `npm start` would (from the run's bundle when
 * there is one, else through tsx), on port 0 unless `env` says otherwise. Resolves once it logs that
 * it is listening. Unset values in `env` are left out.
 */
export async function launchServerProcess(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...env,
  };
  const childEnv = Object.fromEntries(
    Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const bundle = process.env[SERVER_BUNDLE];
  const entry = bundle
    ? ['--enable-source-maps', bundle]
    : ['--import', 'tsx', path.join(repoRoot, 'server/src/main.ts')];
  const child = spawn(process.execPath, entry, {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const listening = await new Promise<ServerProcess['listening']>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { port?: number; msg?: string };
        if (entry.port && entry.msg?.startsWith('Huddle is listening'))
          resolve(entry as ServerProcess['listening']);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) =>
      reject(new Error(`server exited (${code}) before listening:\n${output.join('\n')}`)),
    );
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  const { port } = listening;
  return { port, url: `http://127.0.0.1:${port}`, listening, output, child, exited, stop };
}
