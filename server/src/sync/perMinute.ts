const MINUTE_MS = 60_000;

/** How often each connection did something (a refused change, a question asked) within the last minute. */
export class PerMinute<K> {
  readonly #times = new Map<K, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one more for `key`, now; returns how many it has within the last minute, this one included. */
  count(key: K): number {
    const now = this.now();
    const times = (this.#times.get(key) ?? []).filter((at) => at > now - MINUTE_MS);
    times.push(now);
    this.#times.set(key, times);
    return times.length;
  }

  /** How many `key` had within the minute before its last count. */
  counted(key: K): number {
    return this.#times.get(key)?.length ?? 0;
  }

  forget(key: K): void {
    this.#times.delete(key);
  }
}
