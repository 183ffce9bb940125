/** Cleaning up after a bench, whatever happens: servers, browsers, databases, folders. */

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export class Cleanup {
  readonly #steps: { what: string; run: () => Promise<unknown> }[] = [];

  add(what: string, run: () => Promise<unknown>): void {
    this.#steps.push({ what, run });
  }

  /** Runs every step, latest first; a step that fails or hangs (30 s) does not stop the others. */
  async run(): Promise<void> {
    while (this.#steps.length > 0) {
      const step = this.#steps.pop()!;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          step.run(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), 30_000);
          }),
        ]);
      } catch (error) {
        log(`  cleaning up (${step.what}) failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

/**
 * Runs `work` until it ends, `timeoutS` passes, or SIGINT/SIGTERM arrives (the latter two reject
 * with the reason), then runs every cleanup step `work` registered, in every case.
 */
export async function runBounded<T>(
  work: (cleanup: Cleanup) => Promise<T>,
  timeoutS: number,
  flag = '--timeout',
): Promise<T> {
  const cleanup = new Cleanup();
  let stop: (reason: Error) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => undefined);
  const deadline = setTimeout(
    () => stop(new Error(`the run took longer than ${flag} ${timeoutS} s`)),
    timeoutS * 1000,
  );
  const onSignal = (signal: NodeJS.Signals) => stop(new Error(`stopped by ${signal}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await Promise.race([work(cleanup), stopped]);
  } finally {
    clearTimeout(deadline);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup.run();
  }
}
