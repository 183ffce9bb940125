import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

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
 * Runs `server/src/main.ts` as its own process, as `npm start` would, on port 0 unless `env` says
 * otherwise. Resolves once it logs that it is listening. Unset values in `env` are left out.
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
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/main.ts')], {
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
