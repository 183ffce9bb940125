import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { loadConfig, type Config, type StorageConfig, type SyncConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startServer, type HuddleServer } from '../../src/server.ts';
import type { TestDatabase } from './testDatabase.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

export interface TestServerOptions {
  db: TestDatabase;
  port?: number;
  seed?: boolean;
  sync?: Partial<SyncConfig>;
  storage?: Partial<StorageConfig>;
  clientDir?: string;
}

export function testConfig(options: TestServerOptions): Config {
  const base = loadConfig({});
  return {
    ...base,
    port: options.port ?? 0,
    host: '127.0.0.1',
    databaseUrl: options.db.databaseUrl,
    dataDir: options.db.dataDir,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'error',
    seed: options.seed ?? true,
    clientDir: options.clientDir ?? base.clientDir,
    sync: { ...base.sync, ...options.sync },
    storage: { ...base.storage, ...options.storage },
  };
}

/** Starts a Huddle server in this process on port 0; it is closed when the test finishes. */
export async function startTestServer(options: TestServerOptions): Promise<HuddleServer> {
  const config = testConfig(options);
  const server = await startServer(config, createLogger(config.logLevel));
  onTestFinished(() => server.close());
  return server;
}

export interface ServerProcess {
  port: number;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | NodeJS.Signals | null>;
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/**
 * Runs `server/src/main.ts` as its own process (as `npm start` would), for tests that kill it.
 * Resolves once it logs that it is listening.
 */
export async function spawnServer(env: Record<string, string | undefined>): Promise<ServerProcess> {
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
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { port?: number; msg?: string };
        if (entry.port && entry.msg?.startsWith('Huddle is listening')) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) =>
      reject(new Error(`server exited (${code}) before listening:\n${output.join('\n')}`)),
    );
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  onTestFinished(async () => {
    await stop('SIGKILL');
  });
  return { port, url: `http://127.0.0.1:${port}`, child, exited, stop };
}
