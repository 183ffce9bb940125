/** Frames a second a person's connections are allowed by default (`SYNC_MAX_FRAMES_PER_SECOND`). */
export const DEFAULT_FRAMES_PER_SECOND = 100;

/**
 * Frames the server takes in from one person a second, on average, from all their connections
 * together, with a second's worth at once (a token bucket). Each presence change and each edit goes
 * to everyone on the board: one person sending thousands a second, from one tab or thirty, would take
 * the server from everyone else. A browser sends a few a second.
 */
export class FrameAllowance {
  #left: number;
  #at: number;
  /** Connections sharing this allowance. */
  holders = 0;

  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#left = perSecond;
    this.#at = now();
  }

  /** Takes one frame's allowance: 0 when taken, otherwise the milliseconds until one is left. */
  take(): number {
    const now = this.now();
    this.#left = Math.min(this.perSecond, this.#left + ((now - this.#at) * this.perSecond) / 1000);
    this.#at = now;
    if (this.#left >= 1) {
      this.#left -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#left) * 1000) / this.perSecond);
  }
}

/** One allowance a person (or a connection without one), shared while any of their connections is open. */
export class FrameAllowances {
  readonly #held = new Map<string, FrameAllowance>();

  constructor(private readonly perSecond: number) {}

  hold(key: string): FrameAllowance {
    let allowance = this.#held.get(key);
    if (!allowance) this.#held.set(key, (allowance = new FrameAllowance(this.perSecond)));
    allowance.holders += 1;
    return allowance;
  }

  release(key: string): void {
    const allowance = this.#held.get(key);
    if (!allowance) return;
    allowance.holders -= 1;
    if (allowance.holders <= 0) this.#held.delete(key);
  }
}
