/**
 * At most `max` requests a key (a user) within a sliding window, and one at a time: a browser asking
 * in a loop for something the server works hard to answer is refused, with a clear 429, rather than
 * taking the server from everyone else.
 */
export class RequestWindow {
  readonly #seen = new Map<string, number[]>();
  readonly #busy = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `work` for `key` when it is within its limits, and resolves to its result; resolves to
   * 'busy' while an earlier request of the key is still being answered, and 'too-many' once the key
   * has made `max` requests within the window.
   */
  async run<T>(key: string, work: () => Promise<T>): Promise<T | 'busy' | 'too-many'> {
    if (this.#busy.has(key)) return 'busy';
    const since = this.now() - this.windowMs;
    const recent = (this.#seen.get(key) ?? []).filter((at) => at > since);
    if (recent.length >= this.max) {
      this.#seen.set(key, recent);
      return 'too-many';
    }
    recent.push(this.now());
    this.#seen.set(key, recent);
    this.#busy.add(key);
    try {
      return await work();
    } finally {
      this.#busy.delete(key);
    }
  }
}
