import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { repoRoot } from '../../server/test/support/serverProcess.ts';

/**
 * Builds the client as people get it (a production build), into `outDir` (default dist/client, which
 * the browser tests serve), and the app as the server draws board pages with it (dist/first-view). Vitest sets NODE_ENV to `test`, which would give Vue's development runtime,
 * so it is production while this runs. `profiling` leaves the code unminified, with source maps beside
 * it (not linked from the code, so the browser never loads them), so a CPU profile can name what ran.
 * `root` builds another checkout's client (the benchmarks measure other checkouts too).
 * Returns how long the build took, in ms.
 */
export async function buildClient(
  options: { outDir?: string; profiling?: boolean; root?: string } = {},
): Promise<number> {
  const root = options.root ?? repoRoot;
  const started = performance.now();
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const firstView = path.join(root, 'client', 'src', 'firstView.ts');
  const checkout = {
    configFile: path.join(root, 'vite.config.ts'),
    root: path.join(root, 'client'),
    mode: 'production',
    logLevel: 'warn' as const,
  };
  try {
    await build({
      ...checkout,
      build: {
        ...(options.outDir ? { outDir: options.outDir, emptyOutDir: true } : {}),
        ...(options.profiling ? { minify: false, sourcemap: 'hidden' as const } : {}),
      },
    });
    // The server draws a board page's first view with the app built for Node, into the checkout's
    // dist/first-view whatever folder the client goes to, where its packages are found
    // (server/src/http/firstView.ts); a checkout from before it has none.
    if (existsSync(firstView)) await build({ ...checkout, build: { ssr: firstView } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return performance.now() - started;
}
