/** Frames a second a person's connections are allowed by default (`SYNC_MAX_FRAMES_PER_SECOND`). */
export const DEFAULT_FRAMES_PER_SECOND = 100;

/**
 * Frames the server passes on to others (an edit, a change of presence) for one person a second, on
 * average, from all their connections together, with a second's worth at once (a token bucket).
 * Each goes to everyone on the board: one person sending thousands a second, from one tab or thirty,
 * would take the server from everyone else. A browser sends a few a second. What is not passed on is
 * not counted: y-websocket sends back every change of presence it receives (the server keeps only
 * a connection's own), so counting those would slow everyone on a board that one person floods.
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

  /** Counts one frame passed on. */
  spend(): void {
    this.#refill();
    this.#left -= 1;
  }

  /** 0 while some allowance is left; otherwise the milliseconds until there is. */
  wait(): number {
    this.#refill();
    return this.#left > 0 ? 0 : Math.ceil(((1 - this.#left) * 1000) / this.perSecond);
  }

  #refill(): void {
    const now = this.now();
    this.#left = Math.min(this.perSecond, this.#left + ((now - this.#at) * this.perSecond) / 1000);
    this.#at = now;
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
