/**
 * How long a presence renewal may wait to be passed on. A browser renews its presence every 15 to 18
 * seconds (y-protocols' awareness checks every 3 s for 15 s without an update), and the others drop
 * a presence not heard of for 30 s (a y-websocket client reconnects when it has heard nothing for
 * 30 s, and its own renewal coming back is often all it hears): 18 + 4 leaves 8 s to spare.
 */
export const RENEWAL_WAIT_MS = 4_000;

/**
 * Presence renewals waiting to be passed on: a browser saying it is still on the board, with its
 * presence unchanged. Each passed on at once costs a message to every socket on the board: a board
 * of 30 sends 900 messages every 15 s to say nothing has changed, and browsers that opened the board
 * together (the 9 am handover) renew together, in bursts. Gathered for up to `waitMs`, the renewals
 * of a board go as one message; a real change of presence goes at once and takes them with it.
 */
export class PresenceRenewals {
  readonly #waiting = new Set<number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly waitMs: number,
    /** Passes on the presence of these awareness client ids as it is now. */
    private readonly send: (clientIds: number[]) => void,
  ) {}

  /** Renewals to pass on within `waitMs`. */
  add(clientIds: readonly number[]): void {
    for (const id of clientIds) this.#waiting.add(id);
    if (this.#timer || this.#waiting.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const due = this.take();
      if (due.length > 0) this.send(due);
    }, this.waitMs);
    this.#timer.unref();
  }

  /** The renewals waiting, now going with something else: none wait any longer. */
  take(): number[] {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const ids = [...this.#waiting];
    this.#waiting.clear();
    return ids;
  }

  /** Drops what is waiting (the board is closing: nobody is left to tell). */
  stop(): void {
    this.take();
  }
}
