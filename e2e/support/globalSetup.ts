import path from 'node:path';
import { build } from 'vite';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Builds the client once per run, so the browser tests always drive the current code. */
export default async function setup(): Promise<void> {
  await build({
    configFile: path.join(repoRoot, 'vite.config.ts'),
    root: path.join(repoRoot, 'client'),
    logLevel: 'warn',
  });
}
